package org.senderroute.support;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Names made from an input's name stay within the bytes a file system allows. */
class NameLengthTest {

    @Test
    void aNameThatFitsIsKept() {
        assertThat(NameLength.fit("senders", 200)).isEqualTo("senders");
        assertThat(NameLength.fit("a".repeat(200), 200)).isEqualTo("a".repeat(200));
    }

    @Test
    void aLongNameKeepsItsStartAndADigestOfTheWholeAlwaysTheSame() {
        String shortened = NameLength.fit("a".repeat(250), 200);
        assertThat(shortened).hasSize(200).startsWith("a".repeat(191)).matches("a{191}~[0-9a-f]{8}");
        assertThat(NameLength.fit("a".repeat(250), 200)).isEqualTo(shortened);
        assertThat(NameLength.fit("a".repeat(249) + "b", 200)).isNotEqualTo(shortened);
    }

    @Test
    void multiByteCharactersAreNeverCutInTwo() {
        String shortened = NameLength.fit("é".repeat(120) + "😀".repeat(10), 101);
        assertThat(shortened.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(101);
        assertThat(shortened).matches("é{46}~[0-9a-f]{8}");
        assertThat(NameLength.fit("😀".repeat(60), 50)).matches("(😀){10}~[0-9a-f]{8}");
    }
}
