package dev.openwork.host.api.opencode;

import dev.openwork.host.api.devices.Scopes;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * OpenCode's server API as the host serves it to paired devices. Every call is made for a
 * {@link Caller} the transport has authenticated and whose scope for the route it has checked; the
 * gateway adds what only it knows: a device sees and touches only the OpenCode sessions it owns
 * (those it created, or that its tasks created; the admin sees all), prompts and shell commands run
 * as host tasks (queued, journaled, every tool call through the host's gate), and permission replies
 * are answered by the host, never passed to OpenCode unchecked. OpenCode's own password never
 * leaves the provider.
 *
 * <p>Answers are OpenCode's, passed on unchanged ({@link Reply}), so SDK clients work as against
 * OpenCode itself. Failures the host decides are {@code HostException}s: {@code NOT_FOUND} for a
 * session or permission request the caller cannot see, {@code UNAVAILABLE} while OpenCode is not
 * running (with the cause and what to do), {@code INVALID_REQUEST}/{@code INVALID_JSON} for a body
 * the host must read and cannot. Thread-safe.
 */
@ProviderType
public interface OpenCodeGateway {

    /**
     * Who a call is made for.
     *
     * @param deviceId the paired device, or {@code null} for the local admin
     * @param scopes   what the caller may do
     */
    record Caller(String deviceId, Set<String> scopes) {
        public Caller {
            scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        }

        /** Whether the caller sees everything. */
        public boolean isAdmin() {
            return Scopes.covers(scopes, Scopes.ADMIN);
        }
    }

    /**
     * One request as the compatibility layer received it.
     *
     * @param caller    who makes it
     * @param directory the OpenCode project directory the client named ({@code directory} query parameter or
     *                  {@code x-opencode-directory} header, decoded), or {@code null}
     * @param query     the other query parameters (first value of each); the gateway forwards only those it knows
     * @param body      the request body, or {@code null}
     */
    record Call(Caller caller, String directory, Map<String, String> query, byte[] body) {
        public Call {
            query = query == null ? Map.of() : Map.copyOf(query);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Call c && c.caller.equals(caller) && java.util.Objects.equals(c.directory, directory)
                    && c.query.equals(query) && Arrays.equals(c.body, body);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(caller, directory, query, Arrays.hashCode(body));
        }

        @Override
        public String toString() {
            return "Call[caller=" + caller + ", directory=" + directory + ", query=" + query + ", body="
                    + (body == null ? "none" : body.length + " bytes") + "]";
        }
    }

    /**
     * OpenCode's answer.
     *
     * @param status      the HTTP status
     * @param contentType its media type, or {@code null} when there is no body
     * @param body        the body, or an empty array
     */
    record Reply(int status, String contentType, byte[] body) {
        public Reply {
            body = body == null ? new byte[0] : body;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Reply r && r.status == status && java.util.Objects.equals(r.contentType, contentType)
                    && Arrays.equals(r.body, body);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(status, contentType, Arrays.hashCode(body));
        }

        @Override
        public String toString() {
            return "Reply[status=" + status + ", contentType=" + contentType + ", body=" + body.length + " bytes]";
        }
    }

    /** Receives a subscriber's events, in order, on one thread at a time. Must not block. */
    interface EventSink {
        /** One OpenCode event as JSON: {@code {"id","type","properties"}}, as OpenCode's {@code GET /event} sends it. */
        void event(String json);

        /** The gateway ended the subscription (the runtime stopped); no event follows. */
        void closed();
    }

    /** A live event subscription; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code GET /global/health}: OpenCode's health; {@code UNAVAILABLE} while it is not running. */
    Reply health();

    /** {@code GET /session}: the caller's sessions. */
    Reply listSessions(Call call);

    /** {@code POST /session}: a new session owned by the caller. */
    Reply createSession(Call call);

    /** {@code GET /session/{id}}. */
    Reply session(Call call, String sessionId);

    /** {@code DELETE /session/{id}}. */
    Reply deleteSession(Call call, String sessionId);

    /** {@code POST /session/{id}/abort}: stops what the session is doing (and cancels its host task). */
    Reply abortSession(Call call, String sessionId);

    /** {@code GET /session/{id}/message}. */
    Reply messages(Call call, String sessionId);

    /** {@code POST /session/{id}/message}: runs the prompt as a host task and answers when it is done. */
    Reply prompt(Call call, String sessionId);

    /** {@code POST /session/{id}/prompt_async}: queues the prompt as a host task and answers at once (204). */
    Reply promptAsync(Call call, String sessionId);

    /** {@code POST /session/{id}/shell}: runs the command as a host task and answers when it is done. */
    Reply shell(Call call, String sessionId);

    /** {@code GET /permission}: the pending permission requests of the caller's sessions. */
    Reply permissions(Call call);

    /** {@code POST /permission/{id}/reply}: the caller's answer ({@code once}, {@code always}, {@code reject}). */
    Reply replyPermission(Call call, String requestId);

    /**
     * {@code GET /event}: the events of the caller's sessions (and of its {@code directory} when given),
     * starting with {@code server.connected}, with a {@code server.heartbeat} every 10 seconds.
     */
    Subscription subscribe(Call call, EventSink sink);
}
