package dev.openwork.host.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The proof-under-load suites' common ground: their mode ({@code -Dopenwork.proof.mode=short}, the
 * default, in {@code mvn verify}; {@code long} from {@code bench/proof.sh long}) and their figures,
 * printed and appended to {@code target/proof/figures.tsv} (time, mode, suite, figure, value,
 * target) for bench/proof.sh to show.
 */
final class Proof {

    static final String MODE_PROPERTY = "openwork.proof.mode";

    private Proof() {
    }

    static boolean longMode() {
        return "long".equalsIgnoreCase(System.getProperty(MODE_PROPERTY, "short").trim());
    }

    static String mode() {
        return longMode() ? "long" : "short";
    }

    /** {@code shortValue} in short mode, {@code longValue} in long mode; a system property may override. */
    static int size(String name, int shortValue, int longValue) {
        String override = System.getProperty("openwork.proof." + name);
        return override != null ? Integer.parseInt(override.trim()) : longMode() ? longValue : shortValue;
    }

    /** A JUnit deadline for a suite: generous, the machine is shared. */
    static int deadlineSeconds(int shortSeconds, int longSeconds) {
        return longMode() ? longSeconds : shortSeconds;
    }

    /** Prints a figure and records it. */
    static void figure(String suite, String name, Object value, String target) {
        String text = value instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : String.valueOf(value);
        System.out.println("FIGURE [" + mode() + "] " + suite + " / " + name + " = " + text
                + (target == null || target.isEmpty() ? "" : "   (target " + target + ")"));
        Path file = Path.of(System.getProperty("openwork.proof.figures", "target/proof/figures.tsv"));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            String line = String.join("\t", List.of(Instant.now().toString(), mode(), suite, name, text,
                    target == null ? "" : target)) + "\n";
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The p-th percentile of sorted values. */
    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }
}
