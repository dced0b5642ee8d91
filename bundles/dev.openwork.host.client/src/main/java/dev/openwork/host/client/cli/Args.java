package dev.openwork.host.client.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line words: positionals, {@code --opt value} or {@code --opt=value}, and flags. */
final class Args {

    /** A usage error: exit code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    final List<String> positionals = new ArrayList<>();
    final Map<String, String> options = new HashMap<>();
    final java.util.Set<String> flags = new java.util.HashSet<>();

    static Args parse(List<String> words, Set<String> withValue, Set<String> flagNames) throws UsageException {
        return parse(words, withValue, flagNames, null);
    }

    /**
     * @param shortNames single-dash aliases of options or flags (e.g. {@code -f} for {@code --follow});
     *                   when given, any other single-dash word (but {@code -h} and {@code -}) is an
     *                   unknown option; when {@code null}, such words are positionals
     */
    static Args parse(List<String> words, Set<String> withValue, Set<String> flagNames, Map<String, String> shortNames)
            throws UsageException {
        Args args = new Args();
        boolean onlyPositionals = false;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (onlyPositionals) {
                args.positionals.add(w);
                continue;
            }
            if (w.equals("--")) {
                onlyPositionals = true;
                continue;
            }
            if (w.equals("-h")) {
                args.flags.add("--help");
                continue;
            }
            if (shortNames != null && w.length() > 1 && w.startsWith("-") && !w.startsWith("--")) {
                String alias = shortNames.get(w);
                if (alias == null) {
                    throw new UsageException("unknown option " + w);
                }
                w = alias;
            }
            if (!w.startsWith("--")) {
                args.positionals.add(w);
                continue;
            }
            String name = w;
            String value = null;
            int eq = w.indexOf('=');
            if (eq > 0) {
                name = w.substring(0, eq);
                value = w.substring(eq + 1);
            }
            if (flagNames.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                args.flags.add(name);
            } else if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= words.size()) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = words.get(++i);
                }
                if (args.options.put(name, value) != null) {
                    throw new UsageException(name + " is given twice");
                }
            } else {
                throw new UsageException("unknown option " + name);
            }
        }
        return args;
    }

    String option(String name) {
        return options.get(name);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    int intOption(String name, int min, int max, int otherwise) throws UsageException {
        String value = options.get(name);
        if (value == null) {
            return otherwise;
        }
        if (!value.matches("[0-9]{1,6}")) {
            throw new UsageException(name + " must be a number from " + min + " to " + max);
        }
        int n = Integer.parseInt(value);
        if (n < min || n > max) {
            throw new UsageException(name + " must be a number from " + min + " to " + max);
        }
        return n;
    }

    /** A comma-separated list, without blanks; empty when absent. */
    List<String> listOption(String name) {
        String value = options.get(name);
        List<String> list = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                String s = part.strip();
                if (!s.isEmpty() && !list.contains(s)) {
                    list.add(s);
                }
            }
        }
        return list;
    }

    void expectPositionals(int min, int max, String usage) throws UsageException {
        if (positionals.size() < min || positionals.size() > max) {
            throw new UsageException(usage);
        }
    }
}
