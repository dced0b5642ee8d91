package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.tasks.ToolCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What people and rules see of a tool call: its subject (the command, or the file), a one-line
 * summary, a preview of what a write or an edit changes, the hash that binds an answer to exactly
 * these arguments, and what answering "always" would allow.
 */
final class ToolCalls {

    /** Most characters of a subject in the audit log. */
    static final int MAX_SUBJECT = 500;
    static final int MAX_PREVIEW_LINES = 20;
    static final int MAX_PREVIEW_CHARS = 4000;
    /** Tools whose second word names what they do ({@code git push}, {@code npm install}). */
    private static final Set<String> TWO_WORD_TOOLS = Set.of("git", "npm", "pnpm", "yarn", "npx", "docker", "podman",
            "kubectl", "cargo", "go", "pip", "pip3", "gh", "brew", "apt", "apt-get", "dnf", "systemctl", "gradle", "mvn",
            "dotnet", "rustup", "uv", "poetry", "bun", "deno", "helm", "terraform");
    /** Commands an "always" answer must never widen: they are allowed again only exactly as asked. */
    private static final Set<String> EXACT_ONLY = Set.of("sudo", "doas", "su", "pkexec", "runuser", "eval", "bash", "sh",
            "zsh", "dash", "ksh", "xargs", "env", "exec");

    private ToolCalls() {
    }

    /** Whether the tool names a file. */
    static boolean isFileTool(ToolCall call) {
        return call.path() != null && !ToolCall.BASH.equals(call.tool());
    }

    /** The command for bash, the file (relative to the workspace when inside it) for file tools. */
    static String subject(ToolCall call, Path workspace) {
        if (ToolCall.BASH.equals(call.tool())) {
            return call.command() == null ? "" : call.command();
        }
        return call.path() == null ? "" : displayPath(call.path(), workspace);
    }

    static String cut(String text, int max) {
        if (text == null) {
            return null;
        }
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    /**
     * The file a call names, resolved against the workspace and normalized; when it exists, or its
     * deepest existing parent does, with symbolic links followed, so a link cannot hide where a file is.
     */
    static Path resolve(String path, Path workspace) {
        Path target;
        try {
            target = workspace.resolve(path).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        Path existing = target;
        Path rest = Path.of("");
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            Path name = existing.getFileName();
            rest = name == null ? rest : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return target;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (java.io.IOException e) {
            return target;
        }
    }

    /** {@code path} relative to the workspace when it lies inside, else as resolved. */
    static String displayPath(String path, Path workspace) {
        Path resolved = resolve(path, workspace);
        if (resolved == null) {
            return path;
        }
        if (resolved.startsWith(workspace)) {
            String relative = workspace.relativize(resolved).toString();
            return relative.isEmpty() ? "." : relative;
        }
        return resolved.toString();
    }

    /** One line a person reads to know what the call does. */
    static String summary(ToolCall call, Path workspace) {
        String tool = call.tool() == null ? "?" : call.tool();
        switch (tool) {
            case ToolCall.BASH:
                return cut(call.command(), MAX_SUBJECT);
            case ToolCall.WRITE: {
                String file = subject(call, workspace);
                Path resolved = resolve(call.path(), workspace);
                boolean exists = resolved != null && Files.exists(resolved);
                String content = call.content() == null ? "" : call.content();
                return "write " + file + ": " + lines(content) + " line(s), "
                        + content.getBytes(StandardCharsets.UTF_8).length + " bytes"
                        + (exists ? " (replaces the existing file)" : " (new file)");
            }
            case ToolCall.EDIT:
                return "edit " + subject(call, workspace) + ": replace " + lines(call.oldText()) + " line(s) with "
                        + lines(call.newText()) + " line(s)";
            default:
                return tool + (call.path() == null ? "" : " " + subject(call, workspace));
        }
    }

    /** What a write or an edit changes, as {@code -} and {@code +} lines; {@code null} for other tools. */
    static String preview(ToolCall call) {
        StringBuilder out = new StringBuilder();
        if (ToolCall.WRITE.equals(call.tool())) {
            prefixed(out, "+ ", call.content());
        } else if (ToolCall.EDIT.equals(call.tool())) {
            prefixed(out, "- ", call.oldText());
            prefixed(out, "+ ", call.newText());
        } else {
            return null;
        }
        return cut(out.toString(), MAX_PREVIEW_CHARS);
    }

    private static void prefixed(StringBuilder out, String prefix, String text) {
        if (text == null) {
            return;
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        String[] lines = body.split("\n", -1);
        int shown = Math.min(lines.length, MAX_PREVIEW_LINES);
        for (int i = 0; i < shown; i++) {
            out.append(prefix).append(lines[i]).append('\n');
        }
        if (lines.length > shown) {
            out.append(prefix).append("... ").append(lines.length - shown).append(" more line(s)\n");
        }
    }

    private static int lines(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int count = 1;
        for (int i = 0; i < text.length() - 1; i++) {
            if (text.charAt(i) == '\n') {
                count++;
            }
        }
        return count;
    }

    /** Hex SHA-256 over every argument of the call, each length-prefixed, so no two calls share it. */
    static String argsHash(ToolCall call) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String field : new String[] {call.tool(), call.command(), call.path(), call.content(), call.oldText(),
                    call.newText(), call.timeoutSeconds() == null ? null : call.timeoutSeconds().toString()}) {
                if (field == null) {
                    sha.update((byte) 0);
                } else {
                    byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                    sha.update((byte) 1);
                    sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                            (byte) (bytes.length >>> 8), (byte) bytes.length});
                    sha.update(bytes);
                }
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Whether an "always" pattern covers one command of a bash line: a command with redirections,
     * or one that runs other commands, only when it is exactly the command that was answered;
     * any other command when the pattern matches it.
     */
    static boolean covers(String pattern, CommandLine.Segment segment) {
        if (pattern.equals(segment.fullText())) {
            return true;
        }
        if (!segment.redirects().isEmpty()) {
            return false;
        }
        List<String> command = segment.commandWords();
        boolean exactOnly = segment.words().stream().anyMatch(EXACT_ONLY::contains)
                || (!command.isEmpty() && EXACT_ONLY.contains(command.get(0)));
        return !exactOnly && segment.matches(pattern);
    }

    /**
     * The patterns an "always" answer stores: for bash, one per command of the line (the tool and,
     * for tools like git, its subcommand, then {@code " *"}; commands that run other commands only
     * exactly as written); for file tools, the file.
     */
    static List<String> alwaysPatterns(ToolCall call, Path workspace) {
        if (!ToolCall.BASH.equals(call.tool())) {
            return call.path() == null ? List.of() : List.of(subject(call, workspace));
        }
        Set<String> patterns = new LinkedHashSet<>();
        for (CommandLine.Segment segment : CommandLine.parse(call.command())) {
            List<String> words = segment.words();
            int first = 0;
            while (first < words.size() && CommandLine.isAssignment(words.get(first))) {
                first++;
            }
            if (first >= words.size()) {
                continue;
            }
            String command = words.get(first);
            if (!segment.redirects().isEmpty()) {
                patterns.add(segment.fullText()); // where output goes matters: only this exact command
                continue;
            }
            if (EXACT_ONLY.contains(command)) {
                patterns.add(String.join(" ", words));
                continue;
            }
            String prefix = command;
            if (TWO_WORD_TOOLS.contains(command) && first + 1 < words.size() && !words.get(first + 1).startsWith("-")) {
                prefix = command + " " + words.get(first + 1);
            }
            patterns.add(prefix + " *");
        }
        return new ArrayList<>(patterns);
    }
}
