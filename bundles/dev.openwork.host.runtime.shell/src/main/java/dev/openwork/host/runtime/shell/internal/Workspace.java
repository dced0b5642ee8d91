package dev.openwork.host.runtime.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Confines file steps to the task's workspace. A path is resolved against the workspace and
 * normalized; it must stay inside the workspace lexically, and the deepest part of it that exists
 * must still be inside once every symbolic link along it is followed ({@code toRealPath}). What is
 * returned is that real path plus the parts that do not exist yet, so a step works on exactly the
 * file that was checked. Writing through a symbolic link is refused.
 */
final class Workspace {

    /** What a step means to do with a path. */
    enum Access { READ, WRITE }

    /** A checked path: the real file to use, and how it relates to the workspace. */
    record Resolved(Path path, String display, boolean exists) {
    }

    private final Path root;
    private final Path given;

    private Workspace(Path root, Path given) {
        this.root = root;
        this.given = given;
    }

    /** The workspace of a task, which must be an existing directory. */
    static Workspace of(Path workspace) throws IOException {
        if (workspace == null) {
            throw new IOException("no workspace was given");
        }
        Path given = workspace.toAbsolutePath().normalize();
        Path root = given.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException("it is not a directory");
        }
        return new Workspace(root, given);
    }

    /** The workspace's real path. */
    Path root() {
        return root;
    }

    /** Checks {@code input} (relative to the workspace, or absolute inside it) and returns the real path to use. */
    Resolved resolve(String input, Access access) throws ToolException {
        if (input == null || input.isBlank()) {
            throw ToolException.usage("The step needs a path.");
        }
        Path raw;
        try {
            raw = Path.of(input);
        } catch (InvalidPathException e) {
            throw ToolException.failed("'" + input + "' is not a valid path.");
        }
        Path candidate = (raw.isAbsolute() ? raw : given.resolve(raw)).normalize();
        Path relative;
        if (candidate.startsWith(root)) {
            relative = root.relativize(candidate);
        } else if (candidate.startsWith(given)) {
            relative = given.relativize(candidate);
        } else {
            throw outside(input);
        }
        if (relative.toString().isEmpty()) {
            relative = Path.of("");
        } else if (relative.startsWith("..")) {
            throw outside(input);
        }
        int names = relative.toString().isEmpty() ? 0 : relative.getNameCount();

        // The deepest part of the path that exists (without following a link at its end).
        Path existing = root;
        int existingNames = 0;
        while (existingNames < names) {
            Path next = existing.resolve(relative.getName(existingNames));
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                break;
            }
            existing = next;
            existingNames++;
        }
        boolean linkAtEnd = existingNames == names && names > 0 && Files.isSymbolicLink(existing);
        Path real;
        try {
            real = existing.toRealPath();
        } catch (NoSuchFileException e) {
            throw ToolException.failed("'" + input + "' goes through a symbolic link that leads nowhere; refused.");
        } catch (IOException e) {
            throw ToolException.failed("'" + input + "' cannot be checked: " + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw ToolException.failed("'" + input + "' leads outside the workspace through a symbolic link; refused.");
        }
        if (access == Access.WRITE && linkAtEnd) {
            throw ToolException.failed("'" + input + "' is a symbolic link; refusing to write through it.");
        }
        Path result = real;
        for (int i = existingNames; i < names; i++) {
            result = result.resolve(relative.getName(i));
        }
        String display = relative.toString().isEmpty() ? "." : relative.toString();
        return new Resolved(result, display, existingNames == names);
    }

    /** Checks again, after directories were created, that {@code directory} is still inside. */
    void checkInside(Path directory, String input) throws ToolException {
        try {
            if (!directory.toRealPath().startsWith(root)) {
                throw outside(input);
            }
        } catch (IOException e) {
            throw ToolException.failed("'" + input + "' cannot be checked: " + e.getMessage());
        }
    }

    private static ToolException outside(String input) {
        return ToolException.failed("'" + input + "' is outside the workspace; refused.");
    }
}
