package org.senderroute;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The routes of a classpath pattern listed by name, from a jar's directory of entries or from a folder. */
class ClasspathRoutesTest {

    @TempDir
    Path dir;

    @Test
    void listsTheRouteFilesOfAJarByName() throws IOException {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : new String[] {"routes/", "routes/20-b.camel.yaml", "routes/10-a.camel.yaml",
                "routes/notes.txt", "routes/old/30-c.camel.yaml", "other/40-d.camel.yaml"}) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    out.write("- route: {}\n".getBytes(StandardCharsets.UTF_8));
                }
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertThat(ClasspathRoutes.expand("classpath:routes/*.yaml", loader))
                    .isEqualTo("classpath:routes/10-a.camel.yaml,classpath:routes/20-b.camel.yaml");
            assertThat(ClasspathRoutes.expand("classpath:routes/2?-*.yaml, classpath:other/x.yaml", loader))
                    .isEqualTo("classpath:routes/20-b.camel.yaml,classpath:other/x.yaml");
        }
    }

    @Test
    void listsTheRouteFilesOfAFolderAndLeavesOtherPatternsToCamel() throws IOException {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/10-a.camel.yaml"), "- route: {}\n");
        Files.writeString(dir.resolve("routes/readme.md"), "");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(ClasspathRoutes.expand("classpath:routes/*.yaml", loader)).isEqualTo("classpath:routes/10-a.camel.yaml");
            assertThat(ClasspathRoutes.expand("file:/srv/routes/*.yaml", loader)).isEqualTo("file:/srv/routes/*.yaml");
            assertThat(ClasspathRoutes.expand("classpath:**/*.yaml", loader)).isEqualTo("classpath:**/*.yaml");
            assertThat(ClasspathRoutes.expand("classpath:missing/*.yaml", loader)).isEqualTo("classpath:missing/*.yaml");
        }
    }
}
