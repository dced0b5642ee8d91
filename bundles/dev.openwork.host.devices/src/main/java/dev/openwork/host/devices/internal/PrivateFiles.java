package dev.openwork.host.devices.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only the host's user may read, written so that a crash or power loss leaves either the old
 * or the new content, never a torn file: a temporary file in the same folder is written and
 * flushed to disk, moved over the target atomically, and the folder is flushed too where the
 * platform allows it. Permissions are enforced where the file system is POSIX.
 */
final class PrivateFiles {

    static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates {@code folder} (and its parents) if needed and leaves it {@code rwx------}. */
    static void ensureOwnerOnlyFolder(Path folder) throws IOException {
        if (isPosix(folder)) {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder.getParent());
                try {
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
                } catch (FileAlreadyExistsException raced) {
                    // created by someone else meanwhile; the permissions are set below
                }
            }
            // set explicitly: the umask may have changed the mode, or the folder is older
            Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
        } else {
            Files.createDirectories(folder);
        }
    }

    /** Makes an existing file {@code rw-------} where the file system knows POSIX permissions. */
    static void restrictToOwner(Path file) throws IOException {
        if (isPosix(file)) {
            Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
        }
    }

    /** Replaces {@code target} with {@code content}, crash-safely, as a {@code rw-------} file. */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        FileAttribute<?>[] attributes = isPosix(folder)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        restrictToOwner(target);
        syncFolder(folder);
    }

    /** Whether {@code name} is one of the temporary files {@link #writeAtomically} leaves after a crash. */
    static boolean isLeftOverTemp(Path file, Path target) {
        String name = file.getFileName().toString();
        return name.startsWith("." + target.getFileName() + ".") && name.endsWith(".tmp");
    }

    /**
     * Flushes the folder entry so the rename itself survives a power loss. Opening a folder is
     * not possible on every platform (Windows); there the rename is as durable as the OS makes it.
     */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here; nothing better can be done
        }
    }
}
