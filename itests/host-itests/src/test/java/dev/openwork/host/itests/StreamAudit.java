package dev.openwork.host.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Compares what a client received on its event stream with the host's journal of the same tasks:
 * events lost (in the journal, never received), received twice, received out of order, or received
 * different from what the journal holds.
 */
final class StreamAudit {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome for one client. */
    record Result(int journal, int received, int lost, int duplicated, int reordered, int changed, List<String> examples) {
        Result plus(Result other) {
            List<String> all = new ArrayList<>(examples);
            all.addAll(other.examples);
            return new Result(journal + other.journal, received + other.received, lost + other.lost,
                    duplicated + other.duplicated, reordered + other.reordered, changed + other.changed,
                    all.subList(0, Math.min(10, all.size())));
        }

        static Result none() {
            return new Result(0, 0, 0, 0, 0, 0, List.of());
        }
    }

    private StreamAudit() {
    }

    /**
     * The journal of {@code taskIds} (id -> "name|text|state"), paged through {@code get}, which
     * answers GET requests (the device's or the admin's view).
     */
    static Map<Long, String> journal(List<String> taskIds, Function<String, JsonNode> get) {
        Map<Long, String> journal = new TreeMap<>();
        for (String taskId : taskIds) {
            long after = 0;
            JsonNode page;
            do {
                page = get.apply("/v1/tasks/" + taskId + "/log?after=" + after + "&limit=10000");
                for (JsonNode event : page.path("events")) {
                    String type = event.path("type").asText();
                    boolean permission = type.startsWith("permission.");
                    String name = permission ? type : "task." + type;
                    String text = "created".equals(type) || permission ? "" : event.path("text").asText("");
                    journal.put(event.path("id").asLong(), name + "|" + text + "|" + event.path("state").asText(""));
                }
                after = page.path("nextAfter").asLong();
            } while (page.path("more").asBoolean());
        }
        return journal;
    }

    /** A received event (name|data JSON) in the journal's form. */
    static String normalized(String received) {
        int bar = received.indexOf('|');
        String name = received.substring(0, bar);
        try {
            JsonNode data = JSON.readTree(received.substring(bar + 1));
            String text = name.startsWith("permission.") ? "" : data.path("text").asText("");
            return name + "|" + text + "|" + data.path("state").asText("");
        } catch (IOException e) {
            return name + "|<not JSON>|";
        }
    }

    static Result audit(String who, List<Long> receivedIds, Map<Long, String> receivedEvents, Map<Long, String> journal) {
        List<String> examples = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        int duplicated = 0;
        int reordered = 0;
        long previous = Long.MIN_VALUE;
        for (long id : receivedIds) {
            if (!seen.add(id)) {
                duplicated++;
                if (examples.size() < 5) {
                    examples.add(who + ": event " + id + " received twice");
                }
            } else if (id < previous && examples.size() < 5) {
                examples.add(who + ": event " + id + " after " + previous);
            }
            if (id < previous) {
                reordered++;
            }
            previous = Math.max(previous, id);
        }
        int lost = 0;
        int changed = 0;
        for (Map.Entry<Long, String> entry : journal.entrySet()) {
            String got = receivedEvents.get(entry.getKey());
            if (got == null) {
                lost++;
                if (examples.size() < 5) {
                    examples.add(who + ": event " + entry.getKey() + " (" + entry.getValue() + ") never received");
                }
            } else if (!normalized(got).equals(entry.getValue())) {
                changed++;
                if (examples.size() < 5) {
                    examples.add(who + ": event " + entry.getKey() + " received as " + normalized(got) + ", journal has "
                            + entry.getValue());
                }
            }
        }
        return new Result(journal.size(), receivedIds.size(), lost, duplicated, reordered, changed, examples);
    }
}
