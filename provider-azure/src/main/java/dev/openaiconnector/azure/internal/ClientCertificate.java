package dev.openaiconnector.azure.internal;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A client certificate and its private key, read with the JDK alone (no BouncyCastle at run
 * time) from PEM (a PKCS#8 private key, possibly encrypted, and the certificate) or PKCS#12.
 *
 * @param privateKey the RSA private key that signs the client assertions
 * @param certificate the certificate registered with the application
 */
public record ClientCertificate(PrivateKey privateKey, X509Certificate certificate) {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** Checks that the key is an RSA key: Entra ID signs client assertions with RS256 or PS256. */
  public ClientCertificate {
    if (!(privateKey instanceof RSAKey) || !"RSA".equals(privateKey.getAlgorithm())) {
      throw new IllegalArgumentException(
          "the client certificate's key must be an RSA key, was " + privateKey.getAlgorithm());
    }
  }

  /**
   * Returns the certificate's SHA-256 thumbprint, the {@code x5t#S256} header of an assertion.
   *
   * @return the thumbprint of the DER certificate
   */
  public byte[] sha256Thumbprint() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * Reads a certificate and its key from a PEM or PKCS#12 file; PEM is recognised by its {@code
   * -----BEGIN} line.
   *
   * @param path the file
   * @param password the PKCS#12 password, or the password of an encrypted PEM key; null for none
   * @return the certificate and key
   * @throws ConfigurationException when the file cannot be read; the message names the file but
   *     never the password
   */
  public static ClientCertificate load(Path path, @Nullable Secret password) {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot read the client certificate file " + path + ": " + e, e);
    }
    String text = new String(content, StandardCharsets.ISO_8859_1);
    try {
      ClientCertificate loaded =
          text.contains("-----BEGIN ")
              ? fromPem(text, password, path)
              : fromPkcs12(content, password, path);
      loaded.checkKeyMatchesCertificate(path);
      return loaded;
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      // Exception texts of the JDK's key readers never hold the password.
      throw new ConfigurationException(
          "cannot read the client certificate and key in "
              + path
              + " (PEM with a PKCS#8 key, or PKCS#12"
              + (password == null ? ", no password given" : ", with the password given")
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static ClientCertificate fromPem(String text, @Nullable Secret password, Path path)
      throws GeneralSecurityException, IOException {
    X509Certificate certificate = null;
    PrivateKey key = null;
    Matcher matcher = PEM.matcher(text);
    while (matcher.find()) {
      String type = matcher.group(1);
      byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
      switch (type) {
        case "CERTIFICATE":
          // The first certificate is the client's; the others are its chain.
          if (certificate == null) {
            certificate = certificate(der);
          }
          break;
        case "PRIVATE KEY":
          key = rsaKey(new PKCS8EncodedKeySpec(der));
          break;
        case "ENCRYPTED PRIVATE KEY":
          if (password == null) {
            throw new ConfigurationException(
                "the private key in " + path + " is encrypted; give its password", null);
          }
          key = decrypt(der, password);
          break;
        case "RSA PRIVATE KEY":
          throw new ConfigurationException(
              "the private key in "
                  + path
                  + " is PKCS#1 (BEGIN RSA PRIVATE KEY); convert it to PKCS#8 with `openssl"
                  + " pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`",
              null);
        default:
          break;
      }
    }
    if (certificate == null || key == null) {
      throw new ConfigurationException(
          path
              + " must hold a certificate (BEGIN CERTIFICATE) and its private key (BEGIN PRIVATE"
              + " KEY); "
              + (certificate == null ? "no certificate found" : "no private key found"),
          null);
    }
    return new ClientCertificate(key, certificate);
  }

  private static PrivateKey decrypt(byte[] der, Secret password)
      throws GeneralSecurityException, IOException {
    EncryptedPrivateKeyInfo info;
    try {
      info = new EncryptedPrivateKeyInfo(der);
    } catch (IOException e) {
      // The JDK reads PBES2 with AES only; OpenSSL may have used 3DES.
      throw new IOException(
          e.getMessage()
              + "; re-encrypt the key with `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf"
              + " hmacWithSHA256`",
          e);
    }
    // For PBES2 the JDK names the scheme only, and the full algorithm (such as
    // PBEWithHmacSHA256AndAES_256) only in its parameters' toString().
    String algorithm =
        "PBES2".equals(info.getAlgName())
            ? String.valueOf(info.getAlgParameters())
            : info.getAlgName();
    PBEKeySpec spec = new PBEKeySpec(password.reveal().toCharArray());
    try {
      SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
      Cipher cipher = Cipher.getInstance(algorithm);
      cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(spec), info.getAlgParameters());
      return rsaKey(info.getKeySpec(cipher));
    } finally {
      spec.clearPassword();
    }
  }

  private static ClientCertificate fromPkcs12(byte[] content, @Nullable Secret password, Path path)
      throws GeneralSecurityException, IOException {
    char[] chars = password == null ? new char[0] : password.reveal().toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(content), chars);
    for (String alias : Collections.list(store.aliases())) {
      if (store.isKeyEntry(alias)) {
        Key key = store.getKey(alias, chars);
        Certificate certificate = store.getCertificate(alias);
        if (key instanceof PrivateKey && certificate instanceof X509Certificate) {
          return new ClientCertificate((PrivateKey) key, (X509Certificate) certificate);
        }
      }
    }
    throw new ConfigurationException(
        "the PKCS#12 file " + path + " holds no private key with a certificate", null);
  }

  private static X509Certificate certificate(byte[] der) throws GeneralSecurityException {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static PrivateKey rsaKey(PKCS8EncodedKeySpec spec) throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA").generatePrivate(spec);
  }

  // A key that does not belong to the certificate would be refused by Entra ID with a vague
  // AADSTS700027; saying so here is clearer.
  private void checkKeyMatchesCertificate(Path path) {
    if (!(certificate.getPublicKey() instanceof RSAKey)
        || !((RSAKey) certificate.getPublicKey())
            .getModulus()
            .equals(((RSAKey) privateKey).getModulus())) {
      throw new ConfigurationException(
          "the private key in " + path + " does not belong to its certificate", null);
    }
  }

  @Override
  public String toString() {
    return "ClientCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
  }
}
