package dev.openwork.host.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A recovery action an admin can run from the console ({@code host:fix <id>}), the API
 * ({@code POST /v1/health/actions/{id}}) or the web page, registered as an OSGi service
 * (whiteboard pattern) by the bundle that owns the fix.
 *
 * <p>Contract for implementers:
 * <ul>
 *   <li>Register the service with {@link #ID} (short, stable, lower-case with dashes, unique on the
 *       host, e.g. {@code open-pairing-window}), {@link #CHECK} (the {@link HealthCheck#NAME} of the
 *       check it fixes) and {@link #LABEL} (a few words for a button, e.g. "Open a pairing window").
 *       A service without an id is ignored.</li>
 *   <li>A check offers the action by listing its id in {@link HealthCheckResult#actions()} when
 *       running it would help; the aggregator drops ids that name no registered action, so a page
 *       never shows a button that does nothing.</li>
 *   <li>{@link #run()} is called from any thread, only on an admin's explicit request. It may take
 *       a few seconds (restarting a listener) but must finish within the aggregator's action
 *       deadline. It fails with a {@code HostException} whose message and action are shown to the
 *       admin verbatim; it never shows a secret in its result.</li>
 * </ul>
 * Installing a bundle with actions makes them available at once; stopping it removes them.
 */
@ConsumerType
public interface HealthAction {

    /** Service property: the action's id, as the API, the console and check results name it. */
    String ID = "health.action.id";
    /** Service property: the name of the check this action fixes. */
    String CHECK = "health.action.check";
    /** Service property: a short label for a button or a menu. */
    String LABEL = "health.action.label";

    /** Runs the action now and says what it did. Never returns {@code null}. */
    HealthActionResult run();
}
