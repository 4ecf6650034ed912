package org.senderroute.kaleyra;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which account a file's path gives, under each rule. */
class KaleyraAccountsTest {

    static KaleyraAccount account(String name) {
        return KaleyraAccount.configure(name, name.equals("default") ? "kaleyra" : "kaleyra.account." + name,
                name.toUpperCase() + "SID", name + "-key", "in", null, null);
    }

    final KaleyraAccount dflt = account("default");
    final KaleyraAccount acme = account("acme");
    final KaleyraAccount globex = account("globex");

    KaleyraAccounts accounts(AccountRule rule, boolean defaultEnabled) {
        return new KaleyraAccounts(dflt, defaultEnabled, List.of(acme, globex), rule);
    }

    @Test
    void theRuleIsReadFromItsProperty() {
        assertThat(AccountRule.parse(null)).isEqualTo(AccountRule.NONE);
        assertThat(AccountRule.parse(" Prefix ")).isEqualTo(AccountRule.PREFIX);
        assertThat(AccountRule.parse("folder")).isEqualTo(AccountRule.FOLDER);
        assertThatThrownBy(() -> AccountRule.parse("suffix")).hasMessage(
                "sender.accounts.rule must be none, prefix or folder, was 'suffix'");
    }

    @Test
    void withTheRuleNoneEveryFileGoesToTheDefaultAccount() {
        KaleyraAccounts a = accounts(AccountRule.NONE, true);
        assertThat(a.choose("acme_senders.csv").account()).isSameAs(dflt);
        assertThat(a.choose("acme/senders.csv").account()).isSameAs(dflt);
    }

    @Test
    void thePrefixRuleReadsTheNameBeforeTheFirstUnderscoreOrDash() {
        KaleyraAccounts a = accounts(AccountRule.PREFIX, true);
        assertThat(a.choose("acme_senders.csv").account()).isSameAs(acme);
        assertThat(a.choose("acme-senders_2.csv").account()).isSameAs(acme);
        assertThat(a.choose("GLOBEX_senders.json").account()).isSameAs(globex);
        assertThat(a.choose("default_senders.csv").account()).isSameAs(dflt);
        assertThat(a.choose("senders.csv").account()).isSameAs(dflt);
        assertThat(a.choose("_senders.csv").account()).isSameAs(dflt);
        assertThat(a.choose("acmesenders.csv").account()).isSameAs(dflt);
        KaleyraAccounts.Choice unknown = a.choose("partner-senders.csv");
        assertThat(unknown.known()).isFalse();
        assertThat(unknown.refusal()).contains("'partner'", "prefix 'partner-'", "default, acme, globex");
    }

    @Test
    void theFolderRuleReadsTheFolderInTheDrop() {
        KaleyraAccounts a = accounts(AccountRule.FOLDER, true);
        assertThat(a.choose("acme/senders.csv").account()).isSameAs(acme);
        assertThat(a.choose("Globex/acme_senders.csv").account()).isSameAs(globex);
        assertThat(a.choose("acme_senders.csv").account()).isSameAs(dflt);
        assertThat(a.choose("initech/senders.csv").refusal()).contains("'initech'", "the folder 'initech'");
    }

    @Test
    void withTheDefaultAccountDisabledAFileNamingNoAccountHasNone() {
        KaleyraAccounts a = accounts(AccountRule.PREFIX, false);
        assertThat(a.choose("acme_x.csv").account()).isSameAs(acme);
        assertThat(a.choose("x.csv").refusal()).contains("names none", "sender.accounts.default-enabled=false",
                "configured accounts: acme, globex");
        assertThat(a.choose("default_x.csv").known()).isFalse();
        assertThat(a.names()).isEqualTo("acme, globex");
    }

    @Test
    void aRefusedAccountIsReportedByName() {
        KaleyraAccounts a = accounts(AccountRule.PREFIX, true);
        assertThat(a.refusal()).isNull();
        globex.refused("HTTP 401 RBC001");
        assertThat(a.refusal()).isEqualTo("globex: HTTP 401 RBC001");
    }
}
