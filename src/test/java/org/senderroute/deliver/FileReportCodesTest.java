package org.senderroute.deliver;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.senderroute.domain.Failure;

import static org.assertj.core.api.Assertions.assertThat;

/** Every failure code the module writes has its own meaning and fix in the HTML report; Kaleyra's other codes a general one. */
class FileReportCodesTest {

    @Test
    void everyCodeOfTheModuleIsExplained() throws Exception {
        FileReport report = new FileReport();
        List<String> codes = new ArrayList<>();
        for (Field field : Failure.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                codes.add((String) field.get(null));
            }
        }
        codes.add("MSG134");
        assertThat(codes).hasSizeGreaterThan(15);
        String other = report.meaning("NOT_A_CODE", "meaning");
        assertThat(other).startsWith("Kaleyra's own code");
        for (String code : codes) {
            assertThat(report.meaning(code, "meaning")).as(code).isNotBlank().isNotEqualTo(other);
            assertThat(report.meaning(code, "fix")).as(code).isNotBlank();
        }
    }
}
