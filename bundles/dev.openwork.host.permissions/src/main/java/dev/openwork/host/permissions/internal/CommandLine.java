package dev.openwork.host.permissions.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A bash command line cut into the simple commands it runs, so that rules look at each of them:
 * {@code git status && curl x | sh} is three commands, and a rule for {@code git status*} says
 * nothing about the other two. Splits at {@code ; & | && || ( ) $( `} and line breaks outside
 * quotes, honours single and double quotes and backslashes, collects redirection targets, and
 * looks into {@code bash -c '...'} (and {@code sh}, {@code zsh}, {@code eval}).
 *
 * <p>This is a reading for policies, not a shell: a command can always build a command or a path
 * at run time that no reading of its text predicts. Policies therefore use it to ask and to deny,
 * and the workspace confinement of the runtime stays in force whatever they decide.
 */
final class CommandLine {

    /** Words that run the command that follows them. */
    static final Set<String> WRAPPERS = Set.of("sudo", "doas", "env", "nohup", "time", "nice", "ionice", "command",
            "exec", "xargs", "stdbuf", "timeout", "builtin", "unbuffer");
    private static final Set<String> SHELLS = Set.of("bash", "sh", "zsh", "dash", "ksh");
    private static final int MAX_DEPTH = 4;

    /**
     * One simple command.
     *
     * @param text      its text as written (quotes kept), trimmed
     * @param words     its words with quotes removed, redirections left out
     * @param redirects the files it redirects to or from
     */
    record Segment(String text, List<String> words, List<String> redirects) {

        /** The words from the command that actually runs: leading {@code VAR=value} and wrappers skipped. */
        List<String> commandWords() {
            int i = 0;
            while (i < words.size()) {
                String word = words.get(i);
                if (isAssignment(word)) {
                    i++;
                } else if (WRAPPERS.contains(word)) {
                    i++;
                    while (i < words.size() && (words.get(i).startsWith("-") || isAssignment(words.get(i))
                            || words.get(i).matches("[0-9.]+[smhd]?"))) {
                        i++;
                    }
                } else {
                    break;
                }
            }
            return words.subList(i, words.size());
        }

        /** {@link #commandWords()} joined by single spaces. */
        String commandText() {
            return String.join(" ", commandWords());
        }

        /**
         * The texts command patterns are matched against: all words ({@code sudo rm -rf x}) and the
         * command without wrappers ({@code rm -rf x}), so that both {@code sudo *} and {@code rm *} see it.
         */
        List<String> patternTexts() {
            String all = String.join(" ", words);
            String command = commandText();
            return all.equals(command) ? List.of(all) : List.of(all, command);
        }

        /** All words and then each redirection as {@code > target}: the whole command, for exact comparisons. */
        String fullText() {
            StringBuilder text = new StringBuilder(String.join(" ", words));
            redirects.forEach(target -> text.append(" > ").append(target));
            return text.toString();
        }

        /** Whether {@code pattern} matches this command (its redirections are not part of what is matched). */
        boolean matches(String pattern) {
            for (String text : patternTexts()) {
                if (Wildcard.matches(pattern, text)) {
                    return true;
                }
            }
            return false;
        }
    }

    private CommandLine() {
    }

    /** The simple commands of {@code command}, in order; empty for a blank line. */
    static List<Segment> parse(String command) {
        List<Segment> segments = new ArrayList<>();
        parse(command == null ? "" : command, 0, segments);
        return segments;
    }

    private static void parse(String line, int depth, List<Segment> out) {
        Lexer lexer = new Lexer(line);
        for (Segment segment : lexer.run()) {
            if (segment.words().isEmpty() && segment.redirects().isEmpty()) {
                continue;
            }
            out.add(segment);
            if (depth < MAX_DEPTH) {
                nested(segment, depth, out);
            }
        }
    }

    /** {@code bash -c 'a; b'} and {@code eval 'a; b'} run a and b: read them too. */
    private static void nested(Segment segment, int depth, List<Segment> out) {
        List<String> words = segment.commandWords();
        if (words.isEmpty()) {
            return;
        }
        String first = words.get(0);
        if (SHELLS.contains(first)) {
            for (int i = 1; i < words.size() - 1; i++) {
                if (words.get(i).startsWith("-") && words.get(i).contains("c")) {
                    parse(words.get(i + 1), depth + 1, out);
                    return;
                }
            }
        } else if (first.equals("eval") && words.size() > 1) {
            parse(String.join(" ", words.subList(1, words.size())), depth + 1, out);
        }
    }

    static boolean isAssignment(String word) {
        int eq = word.indexOf('=');
        return eq > 0 && word.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    /** One pass over a line. */
    private static final class Lexer {
        private final String line;
        private final List<Segment> segments = new ArrayList<>();
        private List<String> words = new ArrayList<>();
        private List<String> redirects = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;
        private boolean quoted;
        private int segmentStart;
        /** The next word is a redirection's target (1), a here-document's delimiter (2), or neither (0). */
        private int pending;

        Lexer(String line) {
            this.line = line;
        }

        List<Segment> run() {
            int i = 0;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    if (line.charAt(i + 1) != '\n') {
                        append(line.charAt(i + 1));
                    }
                    i += 2;
                } else if (c == '\'') {
                    int end = line.indexOf('\'', i + 1);
                    end = end < 0 ? line.length() : end;
                    quoted = true;
                    append(line, i + 1, end);
                    i = end + 1;
                } else if (c == '"') {
                    i = doubleQuoted(i + 1);
                } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(') {
                    endSegment(i);
                    i += 2;
                    segmentStart = i;
                } else if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '`' || c == '\n') {
                    if (c == '&' && i + 1 < line.length() && line.charAt(i + 1) == '>') {
                        endWord();
                        i = redirection(i + 1);
                        continue;
                    }
                    endSegment(i);
                    i++;
                    segmentStart = i;
                } else if (c == '>' || c == '<') {
                    if (inWord && !quoted && word.toString().matches("[0-9]+")) {
                        word.setLength(0); // a file descriptor: 2> file
                        inWord = false;
                    } else {
                        endWord();
                    }
                    i = redirection(i);
                } else if (Character.isWhitespace(c)) {
                    endWord();
                    i++;
                } else {
                    append(c);
                    i++;
                }
            }
            endSegment(line.length());
            return segments;
        }

        /** At a {@code >} or {@code <}: skips the operator, and notes what the next word is. */
        private int redirection(int i) {
            char first = line.charAt(i);
            int j = i + 1;
            if (first == '<' && j < line.length() && line.charAt(j) == '<') {
                pending = 2; // here-document: the next word is a delimiter
                j++;
                while (j < line.length() && (line.charAt(j) == '<' || line.charAt(j) == '-')) {
                    j++;
                }
                return j;
            }
            while (j < line.length() && (line.charAt(j) == '>' || line.charAt(j) == '|')) {
                j++;
            }
            if (j < line.length() && line.charAt(j) == '&') {
                // >&2 duplicates a descriptor; >&file is rare enough to ignore
                j++;
                while (j < line.length() && (Character.isDigit(line.charAt(j)) || line.charAt(j) == '-')) {
                    j++;
                }
                return j;
            }
            pending = 1;
            return j;
        }

        private int doubleQuoted(int i) {
            quoted = true;
            inWord = true;
            while (i < line.length() && line.charAt(i) != '"') {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(i + 1));
                    i += 2;
                } else {
                    word.append(c);
                    i++;
                }
            }
            return i + 1;
        }

        private void append(char c) {
            word.append(c);
            inWord = true;
        }

        private void append(String text, int from, int to) {
            word.append(text, from, to);
            inWord = true;
        }

        private void endWord() {
            if (!inWord) {
                return;
            }
            String text = word.toString();
            if (pending == 1) {
                redirects.add(text);
            } else if (pending == 0) {
                words.add(text);
            }
            pending = 0;
            word.setLength(0);
            inWord = false;
            quoted = false;
        }

        private void endSegment(int end) {
            endWord();
            pending = 0;
            List<String> kept = words.stream().filter(w -> !w.equals("{") && !w.equals("}") && !w.equals("!")).toList();
            String text = line.substring(Math.min(segmentStart, end), end).strip();
            if (!kept.isEmpty() || !redirects.isEmpty()) {
                segments.add(new Segment(text, List.copyOf(kept), List.copyOf(redirects)));
            }
            words = new ArrayList<>();
            redirects = new ArrayList<>();
        }
    }
}
