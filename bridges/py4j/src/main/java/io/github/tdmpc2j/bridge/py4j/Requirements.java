package io.github.tdmpc2j.bridge.py4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** A domain's pinned requirements file, as shipped in this jar (from {@code bridges/python/requirements}). */
public record Requirements(String domain, byte[] content) {
    /** The domains with a requirements file; dmc and gymnasium are the ones the tests use. */
    public static final List<String> DOMAINS = List.of("dmc", "gymnasium", "metaworld", "myosuite", "maniskill");
    /** Environments that are not bridged domains: {@code gpu}, the agent's PyTorch for `tdmpc2j setup gpu`. */
    public static final List<String> RUNTIMES = List.of("gpu");

    private static final String RESOURCE_DIR = "python/requirements/";

    public static Requirements of(String domain) {
        if (!DOMAINS.contains(domain) && !RUNTIMES.contains(domain)) {
            throw new SetupException("no Python requirements for the domain '" + domain + "'; known domains: "
                    + String.join(", ", DOMAINS) + " (and " + String.join(", ", RUNTIMES) + ")");
        }
        String resource = RESOURCE_DIR + domain + ".txt";
        try (InputStream in = Requirements.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new SetupException("requirements " + resource + " are missing from the tdmpc2j-py4j jar; rebuild it");
            }
            return new Requirements(domain, in.readAllBytes());
        } catch (IOException e) {
            throw new SetupException("cannot read requirements " + resource + ": " + e.getMessage(), e);
        }
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The requirement lines, comments and blank lines left out. */
    public List<String> packages() {
        return text().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** Lower-case hex SHA-256 of the file's bytes, what {@code sha256sum} prints. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
