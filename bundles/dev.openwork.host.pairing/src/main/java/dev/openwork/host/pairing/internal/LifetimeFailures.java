package dev.openwork.host.pairing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The count of failed pairings over the host's life, on disk so that a restart does not give an
 * attacker a fresh budget. Written crash-safely: temp file, fsync, atomic rename.
 */
final class LifetimeFailures {

    private final Path file;
    private int count;

    LifetimeFailures(Path file) {
        this.file = file;
        this.count = read(file);
    }

    private static int read(Path file) {
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            int value = Integer.parseInt(text);
            return Math.max(0, value);
        } catch (IOException | NumberFormatException e) {
            // an unreadable counter must not reset the budget: assume it is exhausted
            return Integer.MAX_VALUE / 2;
        }
    }

    synchronized int count() {
        return count;
    }

    synchronized int increment() {
        count++;
        write(count);
        return count;
    }

    synchronized void reset() {
        count = 0;
        write(0);
    }

    private void write(int value) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(Integer.toString(value)));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the pairing failure count in " + file, e);
        }
    }
}
