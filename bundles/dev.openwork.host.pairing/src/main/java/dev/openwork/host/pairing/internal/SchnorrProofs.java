package dev.openwork.host.pairing.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.math.BigInteger;
import org.bouncycastle.crypto.agreement.ecjpake.ECSchnorrZKP;
import org.bouncycastle.math.ec.ECPoint;

/**
 * BouncyCastle's EC-J-PAKE assumes both participants live in one JVM: the constructor of its proof
 * type is package-private, so a proof that arrived over the network cannot be rebuilt through the
 * public API. This is the one place that opens it; every value passed in was decoded and
 * range-checked by {@link PakeCodec}, and BouncyCastle still validates the proof itself.
 */
final class SchnorrProofs {

    private static final Constructor<ECSchnorrZKP> CONSTRUCTOR;

    static {
        try {
            CONSTRUCTOR = ECSchnorrZKP.class.getDeclaredConstructor(ECPoint.class, BigInteger.class);
            CONSTRUCTOR.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError("BouncyCastle's ECSchnorrZKP changed: " + e);
        }
    }

    private SchnorrProofs() {
    }

    static ECSchnorrZKP of(ECPoint v, BigInteger r) {
        try {
            return CONSTRUCTOR.newInstance(v, r);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot rebuild a Schnorr proof", e);
        }
    }
}
