package dev.openwork.host.api.host;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Draws QR codes of short texts such as connect links, for a phone to scan: terminal art for the
 * console, SVG and PNG for the web page and the API. One implementation serves the whole host.
 */
@ProviderType
public interface QrCodeRenderer {

    /**
     * Dark-on-light half-block art, two modules per character cell, one line per two rows, each
     * line ending in a line break.
     *
     * @throws IllegalArgumentException when the text cannot be encoded (too long)
     */
    String terminalArt(String text);

    /** A standalone SVG document. @throws IllegalArgumentException when the text cannot be encoded */
    String svg(String text);

    /**
     * A PNG image with {@code scale} pixels per module, clamped to 1..32.
     *
     * @throws IllegalArgumentException when the text cannot be encoded
     */
    byte[] png(String text, int scale);
}
