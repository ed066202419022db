package io.baton.vertx.cli;

import io.baton.core.error.BatonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The interactive shell, like zkCli's: one command per line over one connection (and one session
 * once a command needs it), errors printed and the shell kept. A prompt is shown only on a terminal,
 * so piped input prints nothing but results. {@code quit} or end of input leaves.
 */
final class CliShell {
  private final BufferedReader in;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean prompt;

  CliShell(BufferedReader in, PrintStream out, PrintStream err, boolean prompt) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.prompt = prompt;
  }

  /** Runs lines until quit or end of input; the exit code is 1 if any command failed, else 0. */
  int run(CliRunner runner, String usage) throws IOException {
    int code = 0;
    while (true) {
      if (prompt) {
        out.print("baton> ");
        out.flush();
      }
      String line = in.readLine();
      if (line == null) {
        return code;
      }
      List<String> words;
      try {
        words = words(line);
      } catch (CliUsageException e) {
        err.println("Error: " + e.getMessage());
        code = 1;
        continue;
      }
      if (words.isEmpty()) {
        continue;
      }
      if (words.get(0).equals("quit") || words.get(0).equals("exit")) {
        return code;
      }
      try {
        CliCommand c = CliCommand.parse(words);
        if (c.name().equals("help")) {
          out.println(usage);
        } else if (!runner.run(c)) {
          code = 1;
        }
      } catch (CliUsageException e) {
        err.println("Error: " + e.getMessage());
        code = 1;
      } catch (BatonException e) {
        err.println(BatonCli.describe(e));
        code = 1;
      } catch (InterruptedException e) {
        return code;
      }
      err.flush();
      out.flush();
    }
  }

  /** Splits a line into words; single or double quotes keep spaces, a backslash escapes the next character. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '\\' && i + 1 < line.length() && quote != '\'') {
        w = w == null ? new StringBuilder() : w;
        w.append(line.charAt(++i));
      } else if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          w.append(ch);
        }
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
        w = w == null ? new StringBuilder() : w;
      } else if (Character.isWhitespace(ch)) {
        if (w != null) {
          words.add(w.toString());
          w = null;
        }
      } else {
        w = w == null ? new StringBuilder() : w;
        w.append(ch);
      }
    }
    if (quote != 0) {
      throw new CliUsageException("unterminated " + quote + " quote");
    }
    if (w != null) {
      words.add(w.toString());
    }
    return words;
  }
}
