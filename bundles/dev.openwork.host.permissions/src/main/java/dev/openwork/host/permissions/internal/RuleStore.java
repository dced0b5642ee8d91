package dev.openwork.host.permissions.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.openwork.host.api.permissions.PermissionRule;
import dev.openwork.host.api.tasks.ToolCall;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "always" rules, in {@code <data>/permissions/rules.json}, replaced atomically on every change
 * and fsynced before a change returns. A file that cannot be read is set aside and the store starts
 * empty: fewer rules only means more questions. Thread-safe.
 */
final class RuleStore {

    static final String FILE_NAME = "rules.json";
    private static final Logger LOG = LoggerFactory.getLogger(RuleStore.class);

    private final Path file;
    private final List<PermissionRule> rules = new ArrayList<>();

    RuleStore(Path folder) {
        this.file = folder.resolve(FILE_NAME);
        load();
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<PermissionRule> stored = Json.MAPPER.readValue(file.toFile(), new TypeReference<List<PermissionRule>>() { });
            for (PermissionRule rule : stored) {
                if (rule == null || rule.id() == null || rule.deviceId() == null || rule.workspace() == null
                        || rule.tool() == null || rule.pattern() == null) {
                    throw new IOException("a rule lacks a field");
                }
                rules.add(rule);
            }
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(FILE_NAME + ".corrupt-" + System.currentTimeMillis());
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException moveFailed) {
                aside = null;
            }
            rules.clear();
            LOG.error("The permission rules {} cannot be read ({}); kept as {}, starting without rules: calls they allowed "
                    + "are asked about again", file, e.getMessage(), aside);
        }
    }

    /** All rules, oldest first, or one device's. */
    synchronized List<PermissionRule> list(String deviceKey) {
        return rules.stream().filter(r -> deviceKey == null || r.deviceId().equals(deviceKey)).toList();
    }

    /**
     * The rule that lets {@code call} run without asking, for this device in this workspace: for
     * bash, every command of the line must be covered (by one rule or several; the first is
     * returned); for file tools, the file must match.
     */
    synchronized PermissionRule covering(String deviceKey, String workspace, ToolCall call, Path workspacePath) {
        List<PermissionRule> mine = rules.stream()
                .filter(r -> r.deviceId().equals(deviceKey) && r.workspace().equals(workspace) && r.tool().equals(call.tool()))
                .toList();
        if (mine.isEmpty()) {
            return null;
        }
        if (ToolCall.BASH.equals(call.tool())) {
            List<CommandLine.Segment> segments = CommandLine.parse(call.command());
            if (segments.isEmpty()) {
                return null;
            }
            PermissionRule first = null;
            for (CommandLine.Segment segment : segments) {
                PermissionRule covering = mine.stream().filter(r -> ToolCalls.covers(r.pattern(), segment)).findFirst()
                        .orElse(null);
                if (covering == null) {
                    return null;
                }
                first = first == null ? covering : first;
            }
            return first;
        }
        if (call.path() == null) {
            return null;
        }
        String file = ToolCalls.subject(call, workspacePath);
        return mine.stream().filter(r -> Wildcard.matches(r.pattern(), file)).findFirst().orElse(null);
    }

    /** Adds rules and saves; on failure nothing is added. */
    synchronized void addAll(List<PermissionRule> added) throws IOException {
        List<PermissionRule> next = new ArrayList<>(rules);
        for (PermissionRule rule : added) {
            boolean duplicate = next.stream().anyMatch(r -> r.deviceId().equals(rule.deviceId())
                    && r.workspace().equals(rule.workspace()) && r.tool().equals(rule.tool())
                    && r.pattern().equals(rule.pattern()));
            if (!duplicate) {
                next.add(rule);
            }
        }
        save(next);
        rules.clear();
        rules.addAll(next);
    }

    /** Removes a rule and saves; false when there is none with that id. */
    synchronized boolean remove(String ruleId) throws IOException {
        List<PermissionRule> next = rules.stream().filter(r -> !Objects.equals(r.id(), ruleId)).toList();
        if (next.size() == rules.size()) {
            return false;
        }
        save(next);
        rules.clear();
        rules.addAll(next);
        return true;
    }

    /** Removes every rule of a device (it was revoked); returns how many. */
    synchronized int removeDevice(String deviceKey) throws IOException {
        List<PermissionRule> next = rules.stream().filter(r -> !r.deviceId().equals(deviceKey)).toList();
        int removed = rules.size() - next.size();
        if (removed > 0) {
            save(next);
            rules.clear();
            rules.addAll(next);
        }
        return removed;
    }

    private void save(List<PermissionRule> next) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.write(temp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(next));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel folder = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot sync a directory; the rename is then as durable as they make it
        }
    }

    /** A new rule id. */
    static String newId(java.security.SecureRandom random) {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return "rule_" + java.util.HexFormat.of().formatHex(bytes);
    }

    static PermissionRule rule(String id, String deviceKey, String workspace, String tool, String pattern, Instant at,
            String by, String promptId) {
        return new PermissionRule(id, deviceKey, workspace, tool, pattern, at, by, promptId);
    }
}
