package org.senderroute.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sample files bundled for the sandbox quick start: copied into the inbox at start when asked for. */
final class SampleFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SampleFiles.class);
    private static final List<String> NAMES = List.of("partner-senders.csv", "partner-senders.json", "partner-senders.jsonl");

    private SampleFiles() {
    }

    static void copyInto(Path inbox) throws IOException {
        Files.createDirectories(inbox);
        for (String name : NAMES) {
            try (InputStream in = SampleFiles.class.getResourceAsStream("/samples/" + name)) {
                if (in == null) {
                    throw new IOException("sample file " + name + " is missing from the application");
                }
                Files.copy(in, inbox.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        LOG.info("Sample files {} copied into {}", NAMES, inbox.toAbsolutePath());
    }
}
