package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.events.HostEventProperties;
import dev.openwork.host.api.events.HostTopics;
import dev.openwork.host.api.opencode.OpenCodeGateway;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.glassfish.jersey.server.ChunkedOutput;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /opencode/...}: the subset of the OpenCode server API that the OpenCode SDK uses for
 * sessions, prompts, shell commands, events, permissions and health, for paired devices (device
 * credential as Bearer, or as the password of HTTP Basic with any user name) and the local admin.
 * Each route checks its scope here; the {@link OpenCodeGateway} (the OpenCode runtime) does the rest.
 * Any other OpenCode route answers a typed {@code not_found} that names it, never an HTML page.
 */
@Component(service = {OpenCodeResource.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + HostTopics.DEVICE_REVOKED)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.opencode")
@Path("opencode")
public final class OpenCodeResource implements EventHandler {

    static final String DIRECTORY_HEADER = "x-opencode-directory";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile OpenCodeGateway gateway;

    private final Set<OpenCodeEventStream> streams = ConcurrentHashMap.newKeySet();
    private final ExecutorService senders = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "openwork-opencode-sse");
        thread.setDaemon(true);
        return thread;
    });

    @Context
    private HttpServletRequest servletRequest;
    @Context
    private UriInfo uriInfo;
    @Context
    private HttpHeaders headers;

    @Deactivate
    void deactivate() {
        streams.forEach(OpenCodeEventStream::close);
        senders.shutdownNow();
    }

    @GET
    @Path("global/health")
    @Access(scope = Scopes.STATUS_READ, basic = true)
    public Response health() {
        return send(g -> g.health());
    }

    @GET
    @Path("event")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Access(scope = Scopes.TASKS_READ, basic = true)
    public ChunkedOutput<String> events() {
        OpenCodeGateway current = gateway();
        OpenCodeGateway.Call call = call(null);
        ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
        OpenCodeEventStream stream = new OpenCodeEventStream(output, call.caller().deviceId(), senders);
        streams.add(stream);
        stream.attach(current.subscribe(call, stream), () -> streams.remove(stream));
        return output;
    }

    @GET
    @Path("session")
    @Access(scope = Scopes.TASKS_READ, basic = true)
    public Response sessions() {
        return send(g -> g.listSessions(call(null)));
    }

    @POST
    @Path("session")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.TASKS_RUN, basic = true)
    public Response createSession(byte[] body) {
        return send(g -> g.createSession(call(body)));
    }

    @GET
    @Path("session/{sessionId}")
    @Access(scope = Scopes.TASKS_READ, basic = true)
    public Response session(@PathParam("sessionId") String sessionId) {
        return send(g -> g.session(call(null), sessionId));
    }

    @DELETE
    @Path("session/{sessionId}")
    @Access(scope = Scopes.TASKS_RUN, basic = true)
    public Response deleteSession(@PathParam("sessionId") String sessionId) {
        return send(g -> g.deleteSession(call(null), sessionId));
    }

    @POST
    @Path("session/{sessionId}/abort")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.TASKS_RUN, basic = true)
    public Response abort(@PathParam("sessionId") String sessionId, byte[] ignored) {
        return send(g -> g.abortSession(call(null), sessionId));
    }

    @GET
    @Path("session/{sessionId}/message")
    @Access(scope = Scopes.TASKS_READ, basic = true)
    public Response messages(@PathParam("sessionId") String sessionId) {
        return send(g -> g.messages(call(null), sessionId));
    }

    @POST
    @Path("session/{sessionId}/message")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.TASKS_RUN, basic = true)
    public Response prompt(@PathParam("sessionId") String sessionId, byte[] body) {
        return send(g -> g.prompt(call(body), sessionId));
    }

    @POST
    @Path("session/{sessionId}/prompt_async")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.TASKS_RUN, basic = true)
    public Response promptAsync(@PathParam("sessionId") String sessionId, byte[] body) {
        return send(g -> g.promptAsync(call(body), sessionId));
    }

    @POST
    @Path("session/{sessionId}/shell")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.TASKS_RUN, basic = true)
    public Response shell(@PathParam("sessionId") String sessionId, byte[] body) {
        return send(g -> g.shell(call(body), sessionId));
    }

    @GET
    @Path("permission")
    @Access(scope = Scopes.TASKS_READ, basic = true)
    public Response permissions() {
        return send(g -> g.permissions(call(null)));
    }

    @POST
    @Path("permission/{requestId}/reply")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.PERMISSIONS_ANSWER, basic = true)
    public Response replyPermission(@PathParam("requestId") String requestId, byte[] body) {
        return send(g -> g.replyPermission(call(body), requestId));
    }

    // ---- everything else: a typed error naming the route --------------------------------------

    @GET
    @Path("{route: .*}")
    @Access(scope = Scopes.STATUS_READ, basic = true)
    public Response unsupportedGet(@PathParam("route") String route) {
        throw unsupported("GET", route);
    }

    @POST
    @Path("{route: .*}")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.STATUS_READ, basic = true)
    public Response unsupportedPost(@PathParam("route") String route) {
        throw unsupported("POST", route);
    }

    @PUT
    @Path("{route: .*}")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.STATUS_READ, basic = true)
    public Response unsupportedPut(@PathParam("route") String route) {
        throw unsupported("PUT", route);
    }

    @PATCH
    @Path("{route: .*}")
    @Consumes(MediaType.WILDCARD)
    @Access(scope = Scopes.STATUS_READ, basic = true)
    public Response unsupportedPatch(@PathParam("route") String route) {
        throw unsupported("PATCH", route);
    }

    @DELETE
    @Path("{route: .*}")
    @Access(scope = Scopes.STATUS_READ, basic = true)
    public Response unsupportedDelete(@PathParam("route") String route) {
        throw unsupported("DELETE", route);
    }

    static HostException unsupported(String method, String route) {
        String shown = route.length() > 200 ? route.substring(0, 200) + "..." : route;
        return new HostException(ErrorCode.NOT_FOUND, "The OpenCode route " + method + " /" + shown
                + " is not served by this host.", "Supported: sessions (list, create, get, delete, abort, messages, prompt, "
                        + "prompt_async, shell), /event, /permission (list, reply) and /global/health; see docs/opencode.md.");
    }

    @Override
    public void handleEvent(Event event) {
        Object revoked = event.getProperty(HostEventProperties.DEVICE_ID);
        streams.stream().filter(s -> revoked != null && revoked.equals(s.deviceId())).forEach(OpenCodeEventStream::close);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Response send(Function<OpenCodeGateway, OpenCodeGateway.Reply> action) {
        OpenCodeGateway.Reply reply = action.apply(gateway());
        Response.ResponseBuilder response = Response.status(reply.status());
        if (reply.body().length > 0) {
            response.entity(reply.body()).type(reply.contentType() == null ? MediaType.APPLICATION_JSON : reply.contentType());
        }
        return response.build();
    }

    private OpenCodeGateway gateway() {
        OpenCodeGateway current = gateway;
        if (current == null) {
            throw new HostException(ErrorCode.UNAVAILABLE, "The OpenCode runtime is not installed or not running.",
                    "The admin installs the opencode feature (dev.openwork.host.runtime.opencode); see docs/opencode.md.");
        }
        return current;
    }

    private OpenCodeGateway.Call call(byte[] body) {
        Caller caller = (Caller) servletRequest.getAttribute(Caller.PROPERTY);
        Map<String, String> query = new LinkedHashMap<>();
        uriInfo.getQueryParameters().forEach((name, values) -> {
            if (!values.isEmpty() && !"directory".equals(name)) {
                query.put(name, values.get(0));
            }
        });
        String directory = uriInfo.getQueryParameters().getFirst("directory");
        if (directory == null) {
            String header = headers.getHeaderString(DIRECTORY_HEADER);
            if (header != null && !header.isBlank()) {
                try {
                    directory = URLDecoder.decode(header, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new HostException(ErrorCode.INVALID_REQUEST, "The x-opencode-directory header is not URL-encoded.",
                            "Send the directory URL-encoded, as the OpenCode SDK does.");
                }
            }
        }
        return new OpenCodeGateway.Call(new OpenCodeGateway.Caller(caller.deviceId(), caller.scopes()), directory, query, body);
    }
}
