package dev.openwork.host.api.discovery;

/**
 * The DNS-SD service the host advertises and the keys of its TXT record (RFC 6763). The TXT record
 * carries no secret: only what lets a client recognise the host before it connects.
 */
public final class ServiceRecords {

    /** The service type, fully qualified as JmDNS wants it. */
    public static final String SERVICE_TYPE = "_openwork._tcp.local.";
    /** The TXT record's format version; always {@code 1} for this layout. */
    public static final String TXT_VERSION = "txtvers";
    /** The REST API version the host serves, e.g. {@code v1}. */
    public static final String API = "api";
    /** The host's stable id ({@link dev.openwork.host.api.identity.HostIdentity#hostId()}). */
    public static final String HOST_ID = "id";
    /** The first {@link #FINGERPRINT_PREFIX_LENGTH} hex digits of the host key's SPKI SHA-256. */
    public static final String FINGERPRINT = "fp";
    /** {@code 1} while a pairing window is open, else {@code 0}. */
    public static final String PAIRING = "pair";
    /** The TLS port (also in the SRV record; repeated for clients that only read TXT). */
    public static final String PORT = "port";
    /** How many hex digits of the fingerprint the TXT record carries. */
    public static final int FINGERPRINT_PREFIX_LENGTH = 16;
    /** Upper bound of the whole TXT record in bytes, well under one DNS packet. */
    public static final int MAX_TXT_BYTES = 200;

    private ServiceRecords() {
    }
}
