package dev.openwork.host.telemetry.internal;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Writes the Prometheus text exposition format 0.0.4: HELP and TYPE lines, then samples. */
final class PrometheusText {

    private final StringBuilder out = new StringBuilder();

    void gauge(String name, String help, long value) {
        header(name, help, "gauge");
        out.append(name).append(' ').append(value).append('\n');
    }

    void counter(String name, String help, long value) {
        header(name, help, "counter");
        out.append(name).append(' ').append(value).append('\n');
    }

    void labelled(String name, String help, String label, Map<String, Long> values) {
        header(name, help, "counter");
        new TreeMap<>(values).forEach((key, value) -> out.append(name).append('{').append(label).append("=\"")
                .append(escape(key)).append("\"} ").append(value).append('\n'));
    }

    /** {@code counts} per bound, not cumulative, with one more for +Inf; written cumulatively as the format wants. */
    void histogram(String name, String help, double[] bounds, long[] counts, double sum) {
        header(name, help, "histogram");
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i];
            out.append(name).append("_bucket{le=\"").append(number(bounds[i])).append("\"} ").append(cumulative).append('\n');
        }
        cumulative += counts[bounds.length];
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append(name).append("_sum ").append(number(sum)).append('\n');
        out.append(name).append("_count ").append(cumulative).append('\n');
    }

    private void header(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.3f", value);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
