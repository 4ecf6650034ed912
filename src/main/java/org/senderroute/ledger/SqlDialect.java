package org.senderroute.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The few statements of the ledger that standard SQL leaves to each database, chosen by the database's product name
 * ({@link java.sql.DatabaseMetaData#getDatabaseProductName()}): an upsert, and a lock that lets one instance at a
 * time create or upgrade the schema, and an insert that leaves a row already there alone.
 * <ul>
 * <li>PostgreSQL (9.5 and later, 14 tested): {@code INSERT ... ON CONFLICT (key) DO UPDATE} (or {@code DO NOTHING}),
 * and a transaction-level advisory lock;</li>
 * <li>H2: {@code MERGE INTO ... KEY (key)}; one process opens an H2 file, so no lock is needed;</li>
 * <li>any other database: the standard {@code MERGE INTO ... USING (VALUES ...)}, and no lock.</li>
 * </ul>
 * Every upsert takes its parameters in the order of its columns, as the plain insert does.
 */
enum SqlDialect {

    POSTGRESQL, H2, STANDARD;

    /** The number of the advisory lock held while the schema is created or upgraded ("SRLEDGER" in ASCII). */
    private static final long SCHEMA_LOCK = 0x53524C4544474552L;

    static SqlDialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        if ("PostgreSQL".equalsIgnoreCase(product)) {
            return POSTGRESQL;
        }
        return "H2".equalsIgnoreCase(product) ? H2 : STANDARD;
    }

    /**
     * Inserts a row, or updates the one with the same key: the columns as {@code name TYPE} pairs (the type casts
     * the parameter where the standard MERGE needs it), the key's columns among them.
     */
    String upsert(String table, List<String> columns, List<String> key) {
        List<String> names = columns.stream().map(SqlDialect::name).toList();
        List<String> updated = names.stream().filter(n -> !key.contains(n)).toList();
        return switch (this) {
            case POSTGRESQL -> insert(table, names) + " ON CONFLICT (" + String.join(", ", key) + ") DO UPDATE SET "
                    + updated.stream().map(n -> n + " = EXCLUDED." + n).collect(Collectors.joining(", "));
            case H2 -> "MERGE INTO " + table + " (" + String.join(", ", names) + ") KEY (" + String.join(", ", key)
                    + ") VALUES (" + parameters(names) + ")";
            case STANDARD -> merge(table, columns, key, " WHEN MATCHED THEN UPDATE SET "
                    + updated.stream().map(n -> n + " = k." + n).collect(Collectors.joining(", ")));
        };
    }

    /**
     * Inserts a row unless one with the same key is there: on PostgreSQL, of two transactions inserting the same key
     * the second waits for the first and inserts nothing once it commits. Elsewhere the standard MERGE, which does
     * not wait (the second fails on the key instead).
     */
    String insertIfAbsent(String table, List<String> columns, List<String> key) {
        if (this == POSTGRESQL) {
            return insert(table, columns.stream().map(SqlDialect::name).toList()) + " ON CONFLICT ("
                    + String.join(", ", key) + ") DO NOTHING";
        }
        return merge(table, columns, key, "");
    }

    private static String insert(String table, List<String> names) {
        return "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES (" + parameters(names) + ")";
    }

    private static String parameters(List<String> names) {
        return names.stream().map(n -> "?").collect(Collectors.joining(", "));
    }

    /** The standard MERGE of one row of parameters, with this WHEN MATCHED clause (or none). */
    private static String merge(String table, List<String> columns, List<String> key, String whenMatched) {
        List<String> names = columns.stream().map(SqlDialect::name).toList();
        return "MERGE INTO " + table + " t USING (VALUES ("
                + columns.stream().map(c -> "CAST(? AS " + type(c) + ")").collect(Collectors.joining(", "))
                + ")) AS k (" + String.join(", ", names) + ") ON "
                + key.stream().map(n -> "t." + n + " = k." + n).collect(Collectors.joining(" AND "))
                + whenMatched + " WHEN NOT MATCHED THEN INSERT (" + String.join(", ", names) + ") VALUES ("
                + names.stream().map(n -> "k." + n).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * A statement that, run first in a transaction, makes other instances wait at the same statement until it ends;
     * null where the database needs none.
     */
    String schemaLock() {
        return this == POSTGRESQL ? "SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")" : null;
    }

    private static String name(String column) {
        return column.substring(0, column.indexOf(' '));
    }

    private static String type(String column) {
        return column.substring(column.indexOf(' ') + 1);
    }
}
