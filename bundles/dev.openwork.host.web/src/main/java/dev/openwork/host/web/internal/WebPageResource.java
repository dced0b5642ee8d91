package dev.openwork.host.web.internal;

import dev.openwork.host.api.auth.RouteAccess;
import dev.openwork.host.api.devices.Scopes;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtensionSelect;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsResource;

/**
 * The web page: {@code /} and its files under {@code /web/}, from this bundle's {@code web/}
 * folder. It is served through the host's REST application, so every request passes the same
 * Host/Origin guard and authentication as the API. The files hold no data: on the loopback listener
 * anyone on the machine may load them (the page then signs in with a one-time login link); on the
 * LAN only a device with the admin scope may. Every answer carries a strict Content-Security-Policy:
 * scripts, styles and connections from this origin only, nothing inline, no framing.
 */
@Component(service = WebPageResource.class)
@JakartarsResource
// served only with the REST transport's shared feature (sign-in, origin checks, typed errors)
@JakartarsExtensionSelect("(osgi.jakartars.name=openwork.rest)")
@JakartarsName("openwork.web")
@Path("/")
@RouteAccess(scope = Scopes.ADMIN, loopbackScope = "")
public final class WebPageResource {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final WebAssets assets;

    @Activate
    public WebPageResource() {
        this(WebAssets.fromClassLoader(WebPageResource.class.getClassLoader()));
    }

    WebPageResource(WebAssets assets) {
        this.assets = assets;
    }

    @GET
    public Response page() {
        return serve("index.html");
    }

    @GET
    @Path("web/{name}")
    public Response file(@PathParam("name") String name) {
        return serve(name);
    }

    private Response serve(String name) {
        WebAssets.Asset asset = assets.find(name).orElseThrow(() -> new HostException(ErrorCode.NOT_FOUND,
                "The web page has no file named " + name + ".", "Open the page at / and let it load its files."));
        return Response.ok(asset.bytes(), asset.contentType())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .header("Cross-Origin-Opener-Policy", "same-origin")
                .header("Cross-Origin-Resource-Policy", "same-origin")
                // small files: revalidate each time, so a new bundle's page shows at once
                .header("Cache-Control", "no-cache")
                .header("ETag", "\"" + asset.etag() + "\"")
                .build();
    }
}
