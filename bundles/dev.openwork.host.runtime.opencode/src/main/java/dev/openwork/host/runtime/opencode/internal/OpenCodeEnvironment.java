package dev.openwork.host.runtime.opencode.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of the supervised OpenCode: nothing of the host's but an allowlist (so the host's
 * own secrets never reach it), its own HOME and XDG directories under the host's data directory (so
 * it neither reads nor changes the user's own OpenCode setup), the switches that keep it from
 * updating itself, fetching model lists, downloading language servers or sharing sessions, the
 * project config switched off (a repository's opencode.json must not loosen the permission rules),
 * and the password only the host knows.
 */
final class OpenCodeEnvironment {

    static final List<String> ALLOWED = List.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "USER", "LOGNAME",
            "SHELL", "TMPDIR");
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    static final String USERNAME = "opencode";

    private OpenCodeEnvironment() {
    }

    /** The state directories under {@code root}. */
    record Directories(Path root, Path home, Path config, Path data, Path cache, Path state, Path work, Path log) {
        static Directories under(Path root) {
            return new Directories(root, root.resolve("home"), root.resolve("config"), root.resolve("data"),
                    root.resolve("cache"), root.resolve("state"), root.resolve("work"), root.resolve("log"));
        }

        List<Path> all() {
            return List.of(home, config, data, cache, state, work, log);
        }
    }

    static Map<String, String> build(Map<String, String> host, OpenCodeSettings settings, Directories dirs, String password) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : ALLOWED) {
            String value = host.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        for (String name : settings.passEnvironment()) {
            String value = host.get(name);
            if (value != null && !name.startsWith("OPENWORK_") && !name.startsWith("OPENCODE_SERVER_")) {
                env.put(name, value);
            }
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.put("HOME", dirs.home().toString());
        env.put("XDG_CONFIG_HOME", dirs.config().toString());
        env.put("XDG_DATA_HOME", dirs.data().toString());
        env.put("XDG_CACHE_HOME", dirs.cache().toString());
        env.put("XDG_STATE_HOME", dirs.state().toString());
        env.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
        env.put("OPENCODE_DISABLE_MODELS_FETCH", "1");
        env.put("OPENCODE_DISABLE_LSP_DOWNLOAD", "1");
        env.put("OPENCODE_DISABLE_SHARE", "1");
        env.put("OPENCODE_DISABLE_PROJECT_CONFIG", "1");
        env.put("OPENCODE_PERMISSION", settings.permission());
        if (!settings.configFile().isEmpty()) {
            env.put("OPENCODE_CONFIG", settings.configFile());
        }
        env.put("OPENCODE_SERVER_USERNAME", USERNAME);
        env.put("OPENCODE_SERVER_PASSWORD", password);
        return env;
    }
}
