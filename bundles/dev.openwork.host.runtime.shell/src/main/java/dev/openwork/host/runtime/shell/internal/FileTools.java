package dev.openwork.host.runtime.shell.internal;

import dev.openwork.host.api.tasks.TaskRun;
import dev.openwork.host.api.tasks.ToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The {@code read}, {@code write} and {@code edit} steps, confined to the workspace by
 * {@link Workspace}. Writes are atomic: a temporary file in the same directory, moved over the
 * target with {@code ATOMIC_MOVE}, so a reader never sees half a file.
 */
final class FileTools {

    /** How much of a file {@code read} reports. */
    static final int MAX_READ_BYTES = 1024 * 1024;
    /** The largest file {@code edit} loads. */
    static final int MAX_EDIT_BYTES = 16 * 1024 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final TaskRun run;
    private final Workspace workspace;
    private final ShellTaskRuntime.Settings settings;

    FileTools(TaskRun run, Workspace workspace, ShellTaskRuntime.Settings settings) {
        this.run = run;
        this.workspace = workspace;
        this.settings = settings;
    }

    /** Reports the file's lines as {@code stdout} (at most {@value #MAX_READ_BYTES} bytes of it). */
    StepResult read(int step, ToolCall call) throws ToolException {
        Workspace.Resolved resolved = workspace.resolve(call.path(), Workspace.Access.READ);
        Path file = resolved.path();
        String name = resolved.display();
        requireRegularFile(file, name);
        long size;
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            size = Files.size(file);
            bytes = in.readNBytes(MAX_READ_BYTES);
            if (bytes.length == MAX_READ_BYTES && in.read() != -1) {
                size = Math.max(size, MAX_READ_BYTES + 1L);
            }
        } catch (NoSuchFileException e) {
            throw ToolException.failed("'" + name + "' does not exist.");
        } catch (IOException e) {
            throw ToolException.failed("'" + name + "' cannot be read: " + e.getMessage());
        }
        LineSplitter splitter = new LineSplitter(settings.maxOutputLineBytes(), line -> run.output(step, "stdout", line));
        splitter.feed(bytes, 0, bytes.length);
        splitter.finish();
        boolean truncated = size > bytes.length;
        String summary = "read " + splitter.lines() + (splitter.lines() == 1 ? " line" : " lines") + " ("
                + bytes.length + " bytes) of '" + name + "'";
        if (truncated) {
            String note = "truncated: showed the first " + bytes.length + " of " + size + " bytes (1 MiB at most)";
            run.output(step, "stderr", "[" + note + "]");
            return new StepResult(0, summary + ", " + note);
        }
        return new StepResult(0, summary);
    }

    /** Writes {@code content} to the file, creating it and its parent directories inside the workspace. */
    StepResult write(ToolCall call) throws ToolException {
        if (call.content() == null) {
            throw ToolException.usage("A write step needs content (it may be empty).");
        }
        Workspace.Resolved resolved = workspace.resolve(call.path(), Workspace.Access.WRITE);
        byte[] bytes = call.content().getBytes(StandardCharsets.UTF_8);
        writeAtomically(resolved, call.path(), bytes);
        return new StepResult(0, "wrote " + bytes.length + " bytes to '" + resolved.display() + "'");
    }

    /** Replaces {@code oldText} by {@code newText}, only where {@code oldText} occurs exactly once. */
    StepResult edit(ToolCall call) throws ToolException {
        if (call.oldText() == null || call.oldText().isEmpty()) {
            throw ToolException.usage("An edit step needs oldText (not empty).");
        }
        if (call.newText() == null) {
            throw ToolException.usage("An edit step needs newText (it may be empty).");
        }
        Workspace.Resolved resolved = workspace.resolve(call.path(), Workspace.Access.WRITE);
        String name = resolved.display();
        requireRegularFile(resolved.path(), name);
        String text;
        try {
            if (Files.size(resolved.path()) > MAX_EDIT_BYTES) {
                throw ToolException.failed("'" + name + "' is larger than " + MAX_EDIT_BYTES + " bytes; too large to edit.");
            }
            byte[] bytes = Files.readAllBytes(resolved.path());
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ToolException.failed("'" + name + "' is not UTF-8 text; it was not edited.");
        } catch (IOException e) {
            throw ToolException.failed("'" + name + "' cannot be read: " + e.getMessage());
        }
        int found = occurrences(text, call.oldText());
        if (found != 1) {
            throw ToolException.failed("oldText found " + found + (found == 1 ? " time" : " times") + " in '" + name
                    + "'; it must occur exactly once.");
        }
        int at = text.indexOf(call.oldText());
        String edited = text.substring(0, at) + call.newText() + text.substring(at + call.oldText().length());
        writeAtomically(resolved, call.path(), edited.getBytes(StandardCharsets.UTF_8));
        return new StepResult(0, "replaced 1 occurrence in '" + name + "'");
    }

    /** Occurrences of {@code needle}, overlapping ones included (any overlap makes the edit ambiguous). */
    static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    private static void requireRegularFile(Path file, String name) throws ToolException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw ToolException.failed("'" + name + "' does not exist.");
        }
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw ToolException.failed("'" + name + "' is a directory.");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw ToolException.failed("'" + name + "' is not a regular file.");
        }
    }

    private void writeAtomically(Workspace.Resolved resolved, String input, byte[] bytes) throws ToolException {
        Path target = resolved.path();
        String name = resolved.display();
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw ToolException.failed("'" + name + "' is a directory.");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw ToolException.failed("'" + name + "' is not a regular file.");
        }
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw ToolException.failed("A parent of '" + name + "' is not a directory.");
        } catch (IOException e) {
            throw ToolException.failed("The directory of '" + name + "' cannot be created: " + e.getMessage());
        }
        workspace.checkInside(parent, input);
        Path temp = parent.resolve("." + target.getFileName() + ".openwork-" + HexFormat.of().formatHex(randomBytes())
                + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            keepPermissions(target, temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } catch (AtomicMoveNotSupportedException e) {
            throw ToolException.failed("'" + name + "' cannot be replaced atomically on this file system.");
        } catch (IOException e) {
            throw ToolException.failed("'" + name + "' cannot be written: " + e.getMessage());
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // nothing more to do; the temporary file is hidden and named as ours
                }
            }
        }
    }

    /** A file that is replaced keeps its permissions (an edited script stays executable). */
    private static void keepPermissions(Path target, Path temp) throws IOException {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(temp, permissions);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the new file gets the defaults
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
