package dev.openwork.host.discovery.mdns.internal;

import dev.openwork.host.api.discovery.ServiceRecords;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the TXT record of the {@code _openwork._tcp} service (RFC 6763 section 6): short
 * {@code key=value} strings, nothing secret, the whole well under {@link ServiceRecords#MAX_TXT_BYTES}.
 */
final class TxtRecord {

    /** The REST API version clients should speak. */
    static final String API_VERSION = "v1";

    private TxtRecord() {
    }

    /**
     * @param hostId      the host's id (hex)
     * @param spkiSha256  the full SPKI fingerprint; only its prefix is published
     * @param pairingOpen whether a pairing window is open
     * @param port        the TLS port
     * @throws IllegalArgumentException when an input cannot be published as given
     */
    static Map<String, String> build(String hostId, String spkiSha256, boolean pairingOpen, int port) {
        if (hostId == null || !hostId.matches("[0-9a-fA-F]{1,64}")) {
            throw new IllegalArgumentException("the host id must be hex");
        }
        if (spkiSha256 == null || !spkiSha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("the fingerprint must be 64 hex digits");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port must be 1-65535");
        }
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put(ServiceRecords.TXT_VERSION, "1"); // first, as RFC 6763 section 6.7 recommends
        txt.put(ServiceRecords.API, API_VERSION);
        txt.put(ServiceRecords.HOST_ID, hostId.toLowerCase(Locale.ROOT));
        txt.put(ServiceRecords.FINGERPRINT,
                spkiSha256.substring(0, ServiceRecords.FINGERPRINT_PREFIX_LENGTH).toLowerCase(Locale.ROOT));
        txt.put(ServiceRecords.PAIRING, pairingOpen ? "1" : "0");
        txt.put(ServiceRecords.PORT, Integer.toString(port));
        int size = encodedSize(txt);
        if (size > ServiceRecords.MAX_TXT_BYTES) {
            throw new IllegalArgumentException("the TXT record would take " + size + " bytes, more than "
                    + ServiceRecords.MAX_TXT_BYTES);
        }
        return txt;
    }

    /** Bytes on the wire: each string is one length byte and {@code key=value} in UTF-8. */
    static int encodedSize(Map<String, String> txt) {
        int size = 0;
        for (Map.Entry<String, String> entry : txt.entrySet()) {
            int length = (entry.getKey() + "=" + entry.getValue()).getBytes(StandardCharsets.UTF_8).length;
            if (length > 255) {
                throw new IllegalArgumentException("the TXT string for '" + entry.getKey() + "' is longer than 255 bytes");
            }
            size += 1 + length;
        }
        return size;
    }
}
