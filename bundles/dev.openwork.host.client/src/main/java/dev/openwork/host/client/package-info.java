/**
 * Client library of the OpenWork Host: pairing with a host ({@link dev.openwork.host.client.PairingClient}),
 * SPKI-pinned TLS 1.3 ({@link dev.openwork.host.client.SpkiTrustManager}), the per-user credential
 * store ({@link dev.openwork.host.client.CredentialStore}), authenticated calls and the event stream
 * ({@link dev.openwork.host.client.HostClient}, {@link dev.openwork.host.client.EventStream}), tasks
 * ({@link dev.openwork.host.client.TaskClient}: submit, list, cancel, paged logs, and
 * {@link dev.openwork.host.client.TaskFollower following} a task live with exact resume), and the
 * local admin calls on the host itself ({@link dev.openwork.host.client.LocalAdminClient}).
 * Every failure is a {@link dev.openwork.host.client.HostClientException} that says what happened
 * and what to do.
 */
@Version("0.1.0")
package dev.openwork.host.client;

import org.osgi.annotation.versioning.Version;
