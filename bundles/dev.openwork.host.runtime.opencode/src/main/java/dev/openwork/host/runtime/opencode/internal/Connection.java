package dev.openwork.host.runtime.opencode.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One life of the supervised OpenCode: where it listens and how to authenticate. A restart makes a
 * new one with a higher generation. The authorization header carries the password: it never leaves
 * this bundle and is never logged ({@link #toString()} hides it).
 */
record Connection(int generation, int port, String authorization, long pid, String version) {

    URI uri(String path, Map<String, String> query) {
        StringBuilder uri = new StringBuilder("http://127.0.0.1:").append(port).append(path);
        if (query != null && !query.isEmpty()) {
            StringJoiner joined = new StringJoiner("&", "?", "");
            query.forEach((name, value) -> {
                if (value != null) {
                    joined.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                            + URLEncoder.encode(value, StandardCharsets.UTF_8));
                }
            });
            uri.append(joined);
        }
        return URI.create(uri.toString());
    }

    Connection withVersion(String newVersion) {
        return new Connection(generation, port, authorization, pid, newVersion);
    }

    @Override
    public String toString() {
        return "Connection[generation=" + generation + ", port=" + port + ", pid=" + pid + ", version=" + version + "]";
    }
}
