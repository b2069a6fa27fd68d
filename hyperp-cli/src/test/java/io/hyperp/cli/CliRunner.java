package io.hyperp.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the command line in-process with captured standard output and error. */
public final class CliRunner {
    private CliRunner() {}

    /** The outcome of one invocation. */
    public record Result(int status, String out, String err) {
        /** Lines written to standard error (no trailing empty line). */
        public String[] errLines() {
            return err.isEmpty() ? new String[0] : err.split("\\R");
        }
    }

    /** Runs {@code hyperp} with {@code args} through the same command line and error handlers as main. */
    public static Result run(String... args) {
        CommandLine cl = HyperpCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Result(status, out.toString(), err.toString());
    }
}
