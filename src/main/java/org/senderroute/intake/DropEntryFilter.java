package org.senderroute.intake;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory drop's filter: which entries the file consumer may take. Regular files are taken. A symbolic link
 * to a file is taken too (without its target being read) so that the pipeline refuses it visibly, with a failure
 * output. Never taken, with one WARN line per entry: a FIFO, a device or a socket (opening one could wait forever),
 * a link that points nowhere, and a link to a folder (an account folder is never entered through a link, so no path
 * leads out of the drop).
 */
public final class DropEntryFilter implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(DropEntryFilter.class);

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    @Override
    public boolean accept(GenericFile<File> entry) {
        Path path = entry.getFile().toPath();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
        if (attributes.isRegularFile() || attributes.isDirectory()) {
            return true;
        }
        if (attributes.isSymbolicLink()) {
            if (Files.isDirectory(path)) {
                return skip(entry, "is a symbolic link to a folder: not entered (links are not followed out of the drop)");
            }
            if (!Files.exists(path)) {
                return skip(entry, "is a symbolic link that points to nothing: skipped");
            }
            return true;
        }
        return skip(entry, "is not a regular file (a FIFO, a device or a socket): skipped, never opened");
    }

    private boolean skip(GenericFile<File> entry, String why) {
        if (warned.add(entry.getAbsoluteFilePath())) {
            LOG.warn("{} {}", entry.getRelativeFilePath(), why);
        }
        return false;
    }
}
