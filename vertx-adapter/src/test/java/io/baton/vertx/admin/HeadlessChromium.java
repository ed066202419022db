package io.baton.vertx.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, one process per page: {@code --dump-dom} (the DOM once the page's
 * scripts have run and their requests answered, within a virtual time budget) and
 * {@code --screenshot}. Each run gets a fresh profile directory. Without {@code /usr/bin/chromium}
 * the browser tests fail, unless {@code -Dbaton.browser.skip=true} says to skip them.
 */
final class HeadlessChromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--virtual-time-budget=5000", "--window-size=1280,900");

  private final Path work;
  private int runs;

  HeadlessChromium(Path work) {
    this.work = work;
  }

  /** Skips (with the reason) or fails the calling test when there is no Chromium. */
  static void require() {
    if (Files.isExecutable(BINARY)) {
      return;
    }
    String why = BINARY + " is missing (apt-get install -y chromium; .ci/run installs it)";
    if (Boolean.getBoolean("baton.browser.skip")) {
      Assumptions.abort("browser test skipped: " + why + " and -Dbaton.browser.skip=true");
    }
    throw new AssertionError(why + "; set -Dbaton.browser.skip=true to skip the browser tests");
  }

  /** The page's DOM after its scripts ran. */
  String dumpDom(String url) throws Exception {
    return run(url, "--dump-dom");
  }

  /** Saves a PNG of the page to {@code file}. */
  void screenshot(String url, Path file) throws Exception {
    Files.createDirectories(file.toAbsolutePath().getParent());
    run(url, "--screenshot=" + file.toAbsolutePath());
    if (!Files.isRegularFile(file) || Files.size(file) == 0) {
      throw new IllegalStateException("no screenshot written to " + file);
    }
  }

  private String run(String url, String mode) throws Exception {
    Path profile = work.resolve("chromium-profile-" + (++runs));
    Files.createDirectories(profile);
    List<String> cmd = new ArrayList<>();
    cmd.add(BINARY.toString());
    cmd.addAll(FLAGS);
    cmd.add("--user-data-dir=" + profile);
    cmd.add(mode);
    cmd.add(url);
    Path err = work.resolve("chromium-" + runs + ".log");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish in 60 s: " + log(err));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("chromium exited with " + p.exitValue() + ": " + log(err));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static String log(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
