package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.pairing.PairingCaps;
import dev.openwork.host.api.pairing.PairingConfirmRequest;
import dev.openwork.host.api.pairing.PairingConfirmResponse;
import dev.openwork.host.api.pairing.PairingProtocol;
import dev.openwork.host.api.pairing.PairingResult;
import dev.openwork.host.api.pairing.PairingService;
import dev.openwork.host.api.pairing.PairingStartRequest;
import dev.openwork.host.api.pairing.PairingStartResponse;
import dev.openwork.host.api.pairing.PairingWindow;
import dev.openwork.host.api.pairing.PendingPairing;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /v1/pairing}: the two PAKE round trips and the result long poll (public, TLS only), and
 * the admin's window, approval and caps.
 */
@Component(service = PairingResource.class)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.pairing")
@Path("v1/pairing")
@Produces(MediaType.APPLICATION_JSON)
public final class PairingResource {

    /** Body of {@code POST /v1/pairing/window}. */
    public record WindowRequest(Integer minutes, List<String> scopes, String nameHint) {
    }

    /** Body of {@code POST /v1/pairing/pending/{id}/approve}. */
    public record ApproveRequest(List<String> scopes) {
    }

    private final PairingService pairing;

    @Context
    private HttpServletRequest servletRequest;

    @Activate
    public PairingResource(@Reference PairingService pairing) {
        this.pairing = pairing;
    }

    @POST
    @Path("start")
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(scope = "", listener = Access.Listener.TLS)
    public PairingStartResponse start(PairingStartRequest request) {
        return pairing.start(required(request), servletRequest.getRemoteAddr());
    }

    @POST
    @Path("confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(scope = "", listener = Access.Listener.TLS)
    public PairingConfirmResponse confirm(PairingConfirmRequest request) {
        return pairing.confirm(required(request));
    }

    @GET
    @Path("{pairingId}/result")
    @Access(scope = "", listener = Access.Listener.TLS)
    public PairingResult result(@PathParam("pairingId") String pairingId,
            @HeaderParam(PairingProtocol.PROOF_HEADER) String proof,
            @QueryParam("wait") @DefaultValue("0") String wait) {
        int seconds;
        try {
            seconds = Integer.parseInt(wait);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > PairingProtocol.MAX_RESULT_WAIT_SECONDS) {
            throw new HostException(ErrorCode.INVALID_REQUEST,
                    "wait must be a number of seconds from 0 to " + PairingProtocol.MAX_RESULT_WAIT_SECONDS + ".",
                    "Ask again with ?wait=25.");
        }
        return pairing.result(pairingId, proof, Duration.ofSeconds(seconds));
    }

    @POST
    @Path("window")
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(scope = Scopes.ADMIN)
    public PairingWindow open(WindowRequest request) {
        WindowRequest r = request == null ? new WindowRequest(null, null, null) : request;
        int minutes = r.minutes() == null ? 5 : r.minutes();
        if (minutes < 1 || minutes > 5) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "minutes must be from 1 to 5.", "Open a window of at most 5 minutes.");
        }
        return pairing.open(Duration.ofMinutes(minutes), toSet(r.scopes()), r.nameHint());
    }

    @GET
    @Path("window")
    @Access(scope = Scopes.ADMIN)
    public PairingWindow window() {
        return pairing.window().orElseThrow(PairingResource::noWindow);
    }

    @DELETE
    @Path("window")
    @Access(scope = Scopes.ADMIN)
    public Response close() {
        pairing.close();
        return Response.noContent().build();
    }

    @GET
    @Path("window/qr.svg")
    @Produces("image/svg+xml")
    @Access(scope = Scopes.ADMIN)
    public String qrSvg() {
        return pairing.windowQrSvg().orElseThrow(PairingResource::noWindow);
    }

    @GET
    @Path("window/qr.png")
    @Produces("image/png")
    @Access(scope = Scopes.ADMIN)
    public byte[] qrPng(@QueryParam("scale") @DefaultValue("8") int scale) {
        return pairing.windowQrPng(scale).orElseThrow(PairingResource::noWindow);
    }

    @GET
    @Path("pending")
    @Access(scope = Scopes.ADMIN)
    public List<PendingPairing> pending() {
        return pairing.pending();
    }

    @POST
    @Path("pending/{pairingId}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(scope = Scopes.ADMIN)
    public Response approve(@PathParam("pairingId") String pairingId, ApproveRequest request) {
        pairing.approve(pairingId, toSet(request == null ? null : request.scopes()));
        return Response.noContent().build();
    }

    @POST
    @Path("pending/{pairingId}/deny")
    @Access(scope = Scopes.ADMIN)
    public Response deny(@PathParam("pairingId") String pairingId) {
        pairing.deny(pairingId);
        return Response.noContent().build();
    }

    @GET
    @Path("caps")
    @Access(scope = Scopes.ADMIN)
    public PairingCaps caps() {
        return pairing.caps();
    }

    @POST
    @Path("caps/reset")
    @Access(scope = Scopes.ADMIN)
    public Response resetCaps() {
        pairing.resetCaps();
        return Response.noContent().build();
    }

    private static <T> T required(T body) {
        if (body == null) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The request body is missing.", "Send the JSON body.");
        }
        return body;
    }

    private static Set<String> toSet(List<String> scopes) {
        return scopes == null ? Set.of() : new LinkedHashSet<>(scopes);
    }

    private static HostException noWindow() {
        return new HostException(ErrorCode.NOT_FOUND, "No pairing window is open.", "Open one with POST /v1/pairing/window.");
    }
}
