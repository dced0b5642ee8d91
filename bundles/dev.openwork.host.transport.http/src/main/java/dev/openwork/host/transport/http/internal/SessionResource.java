package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.auth.AdminAccess;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import java.time.Duration;
import java.time.Instant;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * {@code /v1/session}: turns a one-time login code (from {@code host:login}) into an admin browser
 * session cookie, on the loopback listener only. HttpOnly keeps it from scripts, SameSite=Strict
 * from other sites' requests.
 */
@Component(service = SessionResource.class)
@JakartarsResource
@JakartarsExtensionSelect(RestFeature.SELECT)
@JakartarsName("openwork.session")
@Path("v1/session")
@Produces(MediaType.APPLICATION_JSON)
public final class SessionResource {

    /** Body of {@code POST /v1/session}. */
    public record LoginRequest(String code) {
    }

    /** Answer of {@code POST /v1/session/link}: a one-time login link for a browser on this machine. */
    public record LoginLink(String link, Instant expiresAt) {
    }

    static final Duration LINK_VALIDITY = Duration.ofMinutes(2);

    private final AdminAccess admin;

    @Context
    private HttpServletRequest servletRequest;

    @Activate
    public SessionResource(@Reference AdminAccess admin) {
        this.admin = admin;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Access(scope = "", listener = Access.Listener.LOCAL)
    public Response login(LoginRequest request) {
        if (request == null || request.code() == null || request.code().isBlank() || request.code().length() > 100) {
            throw new HostException(ErrorCode.INVALID_REQUEST, "The field 'code' is missing.",
                    "Open the login link that host:login prints on the host console.");
        }
        String session = admin.redeemLoginCode(request.code()).orElseThrow(() -> new HostException(
                ErrorCode.UNAUTHENTICATED, "This login link is unknown, used or expired.",
                "Run host:login on the host console for a new link; each link works once, for 2 minutes."));
        return Response.noContent()
                .header("Set-Cookie", CallerAuthenticator.SESSION_COOKIE + "=" + session
                        + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200")
                .build();
    }

    /**
     * A one-time login link, for tools on the host that hold the admin credential ({@code owctl admin
     * login} on a host that runs without a console). The code rides in the URL fragment, which a
     * browser never sends to a server.
     */
    @POST
    @Path("link")
    @Access(scope = Scopes.ADMIN, listener = Access.Listener.LOCAL)
    public LoginLink link() {
        String code = admin.issueLoginCode(LINK_VALIDITY);
        return new LoginLink("http://127.0.0.1:" + servletRequest.getLocalPort() + "/#login=" + code,
                Instant.now().plus(LINK_VALIDITY));
    }
}
