package org.senderroute.support;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Guarded cells: what a spreadsheet would run gets a quote, and every value is read back as it was. */
class FormulaGuardTest {

    @Test
    void guardsWhatASpreadsheetWouldRunAndReadsEveryValueBack() {
        assertThat(FormulaGuard.guard("=1+2")).isEqualTo("'=1+2");
        assertThat(FormulaGuard.guard("+1+cmd")).isEqualTo("'+1+cmd");
        assertThat(FormulaGuard.guard("-2-A1")).isEqualTo("'-2-A1");
        assertThat(FormulaGuard.guard("-")).isEqualTo("'-");
        // a plain number is no formula: written as it is
        assertThat(FormulaGuard.guard("+1")).isEqualTo("+1");
        assertThat(FormulaGuard.guard("-0")).isEqualTo("-0");
        assertThat(FormulaGuard.guard("-1.5E3")).isEqualTo("-1.5E3");
        assertThat(FormulaGuard.guard("'-2")).isEqualTo("'-2");
        assertThat(FormulaGuard.guard("@SUM(1)")).isEqualTo("'@SUM(1)");
        assertThat(FormulaGuard.guard("\tx")).isEqualTo("'\tx");
        assertThat(FormulaGuard.guard("\rx")).isEqualTo("'\rx");
        assertThat(FormulaGuard.guard("'=x")).isEqualTo("''=x");
        assertThat(FormulaGuard.guard("plain")).isSameAs("plain");
        assertThat(FormulaGuard.guard("'plain")).isEqualTo("'plain");
        assertThat(FormulaGuard.guard("a=b")).isEqualTo("a=b");
        for (String value : List.of("", "'", "''", "=", "'=", "''=x", "'plain", "plain", "-", "x-", "'\t", "@", "+1", "-0", "'-2", "''-2", "-2-A1", "'+1+cmd")) {
            assertThat(FormulaGuard.unguard(FormulaGuard.guard(value))).as("[%s]", value).isEqualTo(value);
        }
    }
}
