package org.senderroute.ledger;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import org.senderroute.domain.LedgerUnavailableException;

/**
 * Tells a database that cannot be reached from a statement that failed: no connection within the pool's timeout,
 * a connection refused or broken (SQLSTATE class 08), or the server shutting down or starting (57P01-57P03). Its
 * reason is the driver's word on the connection, never a statement (a batch's message quotes it, values included).
 */
final class ConnectionLoss {

    private ConnectionLoss() {
    }

    /** The failure as an unreachable database, or null when the database answered (a constraint, a syntax error). */
    static LedgerUnavailableException of(String database, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LedgerUnavailableException lost) {
                return lost;
            }
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException() == e ? null : e.getNextException()) {
                    if (lost(e) && !(e instanceof BatchUpdateException && e.getNextException() != null)) {
                        return new LedgerUnavailableException(database, reason(e), failure);
                    }
                }
            }
        }
        return null;
    }

    private static boolean lost(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03"));
    }

    /**
     * The first line of the message of the innermost SQL failure under the connection's (a pool's timeout holds the
     * driver's reason for the last connection it could not open: refused, a password no longer accepted...).
     */
    private static String reason(SQLException e) {
        Throwable told = e;
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException && !(t instanceof BatchUpdateException)) {
                told = t;
            }
        }
        if (told instanceof BatchUpdateException) {
            // its message quotes the statement, values included
            return "the connection was lost during a write (SQLSTATE " + e.getSQLState() + ")";
        }
        String message = told.getMessage() == null ? told.getClass().getSimpleName() : told.getMessage();
        int line = message.indexOf('\n');
        return (line < 0 ? message : message.substring(0, line)).strip();
    }
}
