package dev.openwork.host.api.pairing;

/**
 * An EC Schnorr zero-knowledge proof as BouncyCastle's {@code ECSchnorrZKP}.
 *
 * @param v the commitment point V, base64url of its uncompressed encoding
 * @param r the response scalar, lower-case hex
 */
public record SchnorrProof(String v, String r) {
}
