package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.permissions.PermissionRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class RuleStoreTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static PermissionRule rule(String id, String tool, String pattern) {
        return RuleStore.rule(id, "dev_1", "/ws", tool, pattern, Instant.parse("2026-11-25T10:00:00Z"), "dev_1", "perm_1");
    }

    @Test
    public void rulesAreKeptOnDiskAndDuplicatesAreNotAdded() throws Exception {
        Path data = folder.newFolder("data").toPath();
        RuleStore store = new RuleStore(data);
        store.addAll(List.of(rule("rule_1", "bash", "git push *"), rule("rule_2", "write", ".env")));
        store.addAll(List.of(rule("rule_3", "bash", "git push *")));
        assertEquals(List.of("rule_1", "rule_2"), new RuleStore(data).list(null).stream().map(PermissionRule::id).toList());
        assertTrue(store.remove("rule_1"));
        assertEquals(List.of("rule_2"), new RuleStore(data).list("dev_1").stream().map(PermissionRule::id).toList());
        assertTrue(new RuleStore(data).list("dev_9").isEmpty());
    }

    @Test
    public void aFileThatCannotBeReadIsSetAsideAndNoRuleApplies() throws Exception {
        Path data = folder.newFolder("data").toPath();
        Files.writeString(data.resolve(RuleStore.FILE_NAME), "[{\"id\":\"rule_1\"");
        RuleStore store = new RuleStore(data);
        assertTrue(store.list(null).isEmpty());
        try (var files = Files.list(data)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("rules.json.corrupt-")));
        }
        assertNull(store.covering("dev_1", "/ws", Calls.bash("git push"), Path.of("/ws")));
    }

    @Test
    public void everyCommandOfALineMustBeCoveredAndRedirectionsOnlyExactly() throws Exception {
        RuleStore store = new RuleStore(folder.newFolder("data").toPath());
        Path ws = Path.of("/ws");
        store.addAll(List.of(rule("rule_1", "bash", "git push *"), rule("rule_2", "bash", "npm install *"),
                rule("rule_3", "bash", "echo token > .env"), rule("rule_4", "bash", "sudo apt update")));
        assertEquals("rule_1", store.covering("dev_1", "/ws", Calls.bash("git push origin main"), ws).id());
        assertEquals("rule_1", store.covering("dev_1", "/ws", Calls.bash("git push && npm install"), ws).id());
        assertNull(store.covering("dev_1", "/ws", Calls.bash("git push; curl x"), ws));
        assertNull("another device", store.covering("dev_2", "/ws", Calls.bash("git push"), ws));
        assertNull("another workspace", store.covering("dev_1", "/other", Calls.bash("git push"), ws));
        assertEquals("rule_3", store.covering("dev_1", "/ws", Calls.bash("echo token > .env"), ws).id());
        assertNull(store.covering("dev_1", "/ws", Calls.bash("git push > ~/.bashrc"), ws));
        assertEquals("rule_4", store.covering("dev_1", "/ws", Calls.bash("sudo apt update"), ws).id());
        assertNull(store.covering("dev_1", "/ws", Calls.bash("sudo apt update && sudo rm -rf /"), ws));
    }
}
