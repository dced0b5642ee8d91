package dev.openwork.host.client.internal;

import com.fasterxml.jackson.databind.JavaType;
import dev.openwork.host.api.error.HostError;
import dev.openwork.host.client.HostClientException;
import dev.openwork.host.client.HostClientException.Kind;
import dev.openwork.host.client.HostKeyMismatchException;
import dev.openwork.host.client.SpkiTrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * JSON over HTTP to one host, with every failure turned into a {@link HostClientException} that
 * says what happened and what to do. Bodies are read up to a limit; the credential travels only in
 * the Authorization header.
 */
public final class HttpCalls {

    /** Largest answer body read from a host. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    /** A host's answer. */
    public record Answer(int status, byte[] body, HttpResponse<?> response) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpClient client;
    private final URI base;
    private final String credential;
    private final SpkiTrustManager trust;
    private final int defaultPort;
    private final String where;

    /**
     * @param base        {@code https://host:port} or {@code http://127.0.0.1:port}, no trailing slash
     * @param credential  bearer credential or {@code null}
     * @param trust       the trust manager of {@code client}, to explain TLS failures; {@code null} for plain HTTP
     * @param defaultPort the port to suggest when nothing answers
     */
    public HttpCalls(HttpClient client, URI base, String credential, SpkiTrustManager trust, int defaultPort) {
        this.client = client;
        this.base = base;
        this.credential = credential;
        this.trust = trust;
        this.defaultPort = defaultPort;
        this.where = base.getRawAuthority();
    }

    public HttpClient client() {
        return client;
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    public String where() {
        return where;
    }

    /** A request builder for {@code path} with the credential and Accept set. */
    public HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .header("Accept", "application/json");
        if (credential != null) {
            builder.header("Authorization", "Bearer " + credential);
        }
        return builder;
    }

    public static HttpRequest.BodyPublisher json(Object body) {
        return HttpRequest.BodyPublishers.ofByteArray(Json.write(body));
    }

    /** Sends {@code request}; any status comes back, connection failures throw. */
    public Answer send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = client.send(request, info -> limited(MAX_BODY_BYTES));
            return new Answer(response.statusCode(), response.body(), response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostClientException(Kind.IO, "Interrupted while talking to " + where + ".", null, e);
        } catch (IOException e) {
            throw connectionFailure(e);
        }
    }

    /** Sends and expects 2xx with a JSON body of {@code type}; other statuses become errors. */
    public <T> T call(HttpRequest request, JavaType type, String what) {
        Answer answer = send(request);
        if (answer.status() / 100 != 2) {
            throw error(answer, what);
        }
        return decode(answer, type, what);
    }

    public <T> T call(HttpRequest request, Class<T> type, String what) {
        return call(request, Json.MAPPER.constructType(type), what);
    }

    /** Sends and expects 2xx, ignoring the body. */
    public void callNoContent(HttpRequest request, String what) {
        Answer answer = send(request);
        if (answer.status() / 100 != 2) {
            throw error(answer, what);
        }
    }

    public <T> T decode(Answer answer, JavaType type, String what) {
        try {
            T value = Json.read(answer.body(), type);
            if (value == null) {
                throw new IOException("the body is empty or null");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new HostClientException(Kind.PROTOCOL, "The host's answer to " + what + " is not what this client "
                    + "understands: " + Json.describe(e) + ".",
                    "Check that " + where + " is an OpenWork host and that owctl and the host are of the same version.",
                    null, answer.status(), e);
        }
    }

    /** The host's error in {@code answer}, or one made from its status when the body is not a HostError. */
    public static HostError hostError(Answer answer) {
        try {
            HostError error = Json.read(answer.body(), HostError.class);
            if (error != null) {
                return new HostError(Text.safe(error.code(), 64), Text.safe(error.message(), 500),
                        error.action() == null ? null : Text.safe(error.action(), 500));
            }
        } catch (IOException | RuntimeException e) {
            // not a HostError: fall through
        }
        return new HostError("http_" + answer.status(), "The host answered with HTTP status " + answer.status() + ".", null);
    }

    /** A failure from a non-2xx answer: 401 is {@code UNAUTHENTICATED}, everything else {@code HOST_ERROR}. */
    public HostClientException error(Answer answer, String what) {
        HostError error = hostError(answer);
        if (answer.status() == 401) {
            return new HostClientException(Kind.UNAUTHENTICATED,
                    "The host at " + where + " does not accept this credential (" + error.message() + ")",
                    "The device was probably revoked on the host, or the host's data was reset: pair again.",
                    error, 401, null);
        }
        return new HostClientException(Kind.HOST_ERROR, "The host refused " + what + ": " + error.message(),
                error.action(), error, answer.status(), null);
    }

    /** Explains an I/O failure to reach the host. */
    public HostClientException connectionFailure(IOException e) {
        CertificateException pinFailure = trust == null ? null : trust.lastFailure().orElse(null);
        HostKeyMismatchException mismatch = find(e, HostKeyMismatchException.class);
        if (mismatch == null && pinFailure instanceof HostKeyMismatchException m) {
            mismatch = m;
        }
        if (mismatch != null) {
            return hostKeyMismatch(where, mismatch);
        }
        if (find(e, HttpConnectTimeoutException.class) != null) {
            return new HostClientException(Kind.TIMEOUT, where + " did not accept a connection in time.",
                    "Check the address, that the host is on this network, and that no firewall blocks port "
                            + portOf() + ".", e);
        }
        if (find(e, HttpTimeoutException.class) != null) {
            return new HostClientException(Kind.TIMEOUT, where + " did not answer in time.",
                    "Try again; if it keeps happening, check the host's log (data/log/host.log).", e);
        }
        if (find(e, UnresolvedAddressException.class) != null || find(e, UnknownHostException.class) != null) {
            return new HostClientException(Kind.UNREACHABLE, "Cannot resolve the host name in " + where + ".",
                    "Check the spelling, or use the host's IP address (the host console shows it).", e);
        }
        if (find(e, NoRouteToHostException.class) != null) {
            return new HostClientException(Kind.UNREACHABLE, "There is no route to " + where + ".",
                    "Check that this machine and the host are on the same network.", e);
        }
        if (find(e, ConnectException.class) != null) {
            return new HostClientException(Kind.UNREACHABLE, "Nothing answers at " + where
                    + ": is the host running? is the port right (default " + defaultPort + ")?",
                    "Start the host, or give the right address and port.", e);
        }
        if (find(e, SSLHandshakeException.class) != null || find(e, SSLException.class) != null) {
            if (pinFailure != null) {
                return new HostClientException(Kind.TLS, "The TLS handshake with " + where + " failed: "
                        + Text.safe(pinFailure.getMessage(), 300) + ".",
                        "Check that " + where + " is the OpenWork host's LAN port (default " + defaultPort + ").", e);
            }
            return new HostClientException(Kind.TLS, "The TLS handshake with " + where + " failed ("
                    + Text.safe(rootMessage(e), 200) + ").",
                    "Check that " + where + " is the OpenWork host's LAN port (default " + defaultPort
                            + ") and that the host is current: it must offer TLS 1.3.", e);
        }
        return new HostClientException(Kind.IO, "The connection to " + where + " failed: "
                + Text.safe(rootMessage(e), 200) + ".", "Check the network and that the host is running, then try again.", e);
    }

    /** The error for a host key that is not the pinned or expected one. */
    public static HostClientException hostKeyMismatch(String where, HostKeyMismatchException mismatch) {
        return new HostClientException(Kind.HOST_KEY_MISMATCH, "Refused to talk to " + where + ": "
                + Text.safe(mismatch.getMessage(), 400) + ".",
                "If the host was reinstalled or its key replaced, forget it (owctl forget) and pair again, checking the "
                        + "fingerprint the host shows; otherwise do not use this network until you know who answers.",
                mismatch);
    }

    private String portOf() {
        int colon = where.lastIndexOf(':');
        return colon < 0 ? String.valueOf(defaultPort) : where.substring(colon + 1);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message;
    }

    public static <X extends Throwable> X find(Throwable e, Class<X> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable s : t.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
        }
        return null;
    }

    /** Reads a body of at most {@code max} bytes; a longer one fails the exchange. */
    static HttpResponse.BodySubscriber<byte[]> limited(int max) {
        return new HttpResponse.BodySubscriber<>() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private final CompletableFuture<byte[]> result = new CompletableFuture<>();
            private Flow.Subscription subscription;

            @Override
            public CompletionStage<byte[]> getBody() {
                return result;
            }

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {
                for (ByteBuffer buffer : buffers) {
                    if (bytes.size() + buffer.remaining() > max) {
                        subscription.cancel();
                        result.completeExceptionally(new IOException("the host's answer is larger than " + max + " bytes"));
                        return;
                    }
                    byte[] chunk = new byte[buffer.remaining()];
                    buffer.get(chunk);
                    bytes.writeBytes(chunk);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                result.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                result.complete(bytes.toByteArray());
            }
        };
    }

    /** Percent-encodes one path segment (everything but unreserved characters). */
    public static String segment(String value) {
        if (value == null || value.isEmpty() || value.equals(".") || value.equals("..") || value.length() > 256) {
            throw new HostClientException(Kind.INVALID_INPUT, "'" + Text.safe(value, 40) + "' is not a valid id.",
                    "Copy the id exactly as listed.");
        }
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
