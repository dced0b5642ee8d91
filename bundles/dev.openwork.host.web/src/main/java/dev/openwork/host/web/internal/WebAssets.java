package dev.openwork.host.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The page's files, read once from the bundle when the page starts. Only the names listed here are
 * served, so no request can reach another resource of the bundle.
 */
final class WebAssets {

    /** Every file of the page, with its content type. */
    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");

    record Asset(byte[] bytes, String contentType, String etag) {
    }

    private final Map<String, Asset> assets;

    private WebAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    static WebAssets fromClassLoader(ClassLoader loader) {
        return load(name -> loader.getResourceAsStream("web/" + name));
    }

    static WebAssets load(Function<String, InputStream> open) {
        Map<String, Asset> loaded = new TreeMap<>();
        FILES.forEach((name, type) -> {
            try (InputStream in = open.apply(name)) {
                if (in == null) {
                    throw new IllegalStateException("the web page file web/" + name + " is missing from the bundle");
                }
                byte[] bytes = in.readAllBytes();
                loaded.put(name, new Asset(bytes, type, etag(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new WebAssets(loaded);
    }

    Optional<Asset> find(String name) {
        return Optional.ofNullable(name == null ? null : assets.get(name));
    }

    private static String etag(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
