package org.senderroute;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * Lists the route files a {@code classpath:DIR/*.yaml} pattern names, by name, from the jar's directory of entries
 * (or the folder the classes are in), so that Camel loads them by name. Camel resolves such a pattern by reading
 * the whole jar through, every entry inflated: about a second and a half of the start-up of this jar, which holds
 * its libraries. A pattern it cannot list so (another scheme, a wildcard in a folder name, a folder that is in two
 * places) is left to Camel as it is.
 */
final class ClasspathRoutes {

    private static final String CLASSPATH = "classpath:";

    private ClasspathRoutes() {
    }

    /** The pattern with each {@code classpath:DIR/NAME-PATTERN} part replaced by the files it names; else unchanged. */
    static String expand(String pattern, ClassLoader loader) {
        if (pattern == null || pattern.isBlank()) {
            return pattern;
        }
        List<String> parts = new ArrayList<>();
        for (String part : pattern.split(",")) {
            String p = part.trim();
            List<String> files = list(p, loader);
            if (files == null || files.isEmpty()) {
                return pattern;
            }
            parts.addAll(files);
        }
        return String.join(",", parts);
    }

    /** The files of one part, or null when it is not one this class lists. */
    private static List<String> list(String part, ClassLoader loader) {
        if (!part.startsWith(CLASSPATH)) {
            return null;
        }
        String path = part.substring(CLASSPATH.length());
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (dir.isEmpty() || dir.contains("*") || dir.contains("?") || !(name.contains("*") || name.contains("?"))) {
            return slash >= 0 && !dir.contains("*") && !dir.contains("?") && !name.isEmpty() ? List.of(part) : null;
        }
        Pattern names = glob(name);
        try {
            Enumeration<URL> found = loader.getResources(dir);
            if (!found.hasMoreElements()) {
                return null;
            }
            URL url = found.nextElement();
            if (found.hasMoreElements()) {
                return null;
            }
            TreeSet<String> files = new TreeSet<>();
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    String prefix = dir + "/";
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                        JarEntry entry = entries.nextElement();
                        String entryName = entry.getName();
                        if (!entry.isDirectory() && entryName.startsWith(prefix)
                                && entryName.indexOf('/', prefix.length()) < 0
                                && names.matcher(entryName.substring(prefix.length())).matches()) {
                            files.add(entryName);
                        }
                    }
                }
            } else if ("file".equals(url.getProtocol())) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(url.toURI()))) {
                    for (Path entry : entries) {
                        if (Files.isRegularFile(entry) && names.matcher(entry.getFileName().toString()).matches()) {
                            files.add(dir + "/" + entry.getFileName());
                        }
                    }
                }
            } else {
                return null;
            }
            List<String> parts = new ArrayList<>(files.size());
            files.forEach(f -> parts.add(CLASSPATH + f));
            return parts;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** A file-name pattern: {@code *} any characters, {@code ?} one. */
    private static Pattern glob(String name) {
        StringBuilder regex = new StringBuilder();
        for (String piece : name.split("(?=[*?])|(?<=[*?])")) {
            regex.append(switch (piece) {
                case "*" -> ".*";
                case "?" -> ".";
                default -> Pattern.quote(piece);
            });
        }
        return Pattern.compile(regex.toString());
    }
}
