package dev.openwork.host.transport.tls.internal;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * P-256 (secp256r1) keys with the JDK's providers. Bouncy Castle is used for one thing the JDK
 * has no API for: deriving the public key from a stored private key, because a PKCS#8 file written
 * by the JDK does not carry the public key.
 */
final class P256 {

    static final String CURVE = "secp256r1";
    private static final ECParameterSpec PARAMETERS = jdkParameters();

    private P256() {
    }

    static KeyPair generate(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(CURVE), random);
        return generator.generateKeyPair();
    }

    /**
     * Reads a PKCS#8 private key and rebuilds its key pair.
     *
     * @throws GeneralSecurityException when the bytes are not an EC key on P-256
     */
    static KeyPair fromPkcs8(byte[] pkcs8) throws GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        if (!(key instanceof ECPrivateKey ecKey) || !isP256(ecKey.getParams())) {
            throw new GeneralSecurityException("the key is not on the curve P-256");
        }
        BigInteger d = ecKey.getS();
        if (d.signum() <= 0 || d.compareTo(PARAMETERS.getOrder()) >= 0) {
            throw new GeneralSecurityException("the private value is out of range");
        }
        return new KeyPair(publicKeyOf(d), key);
    }

    private static PublicKey publicKeyOf(BigInteger d) throws GeneralSecurityException {
        X9ECParameters curve = ECNamedCurveTable.getByName(CURVE);
        ECPoint q = new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize();
        try {
            SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1),
                    q.getEncoded(false));
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot encode the public key", e);
        }
    }

    private static boolean isP256(ECParameterSpec spec) {
        return spec.getOrder().equals(PARAMETERS.getOrder())
                && spec.getGenerator().equals(PARAMETERS.getGenerator())
                && spec.getCurve().equals(PARAMETERS.getCurve());
    }

    private static ECParameterSpec jdkParameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(CURVE));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no P-256", e);
        }
    }
}
