package io.hyperp.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code hyperp} command line.
 *
 * <p>Usage: {@code java -jar hyperp.jar <command> [options]}; {@code hyperp --help} lists the commands. Bad input
 * prints one line, {@code hyperp <command>: <problem>}, on standard error and exits with status
 * {@value #EXIT_BAD_INPUT}; no stack trace is ever printed.
 *
 * <p>Not thread-safe as a whole (picocli command objects hold parsed options); build one command line per
 * invocation with {@link #commandLine()}.
 *
 * <p>References: SPEC sections 4 and 7.
 */
@Command(
        name = "hyperp",
        mixinStandardHelpOptions = true,
        version = "hyperp 0.1.0",
        description = "Learning-rate transfer tools: optimal learning rates of sweeps, scaling laws, HyperP transfer,"
                + " planning from sweeps to a target, compute leverage.",
        synopsisSubcommandLabel = "COMMAND")
public final class HyperpCli implements Callable<Integer> {
    /** Exit status for bad input. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit status when a fit was refused or on an internal error. */
    public static final int EXIT_REFUSED = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private HyperpCli() {}

    /**
     * Returns one new instance of every subcommand. Adding a subcommand is one line here.
     *
     * @return the subcommand objects, in help order
     */
    static List<Object> subcommands() {
        return List.of(
                new io.hyperp.cli.demo.DemoCommand(),
                new SweepCommand(),
                new OptimumCommand(),
                new FitLawCommand(),
                new TransferCommand(),
                new PlanCommand(),
                new LeverageCommand());
    }

    /**
     * Builds the command line with every subcommand and the error handlers (one line on stderr, exit 2 for bad
     * input; one line, exit 1, for an internal error).
     *
     * @return a new command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new HyperpCli());
        for (Object sub : subcommands()) {
            cl.addSubcommand(sub);
        }
        cl.setParameterExceptionHandler(HyperpCli::onParameterException);
        cl.setExecutionExceptionHandler(HyperpCli::onExecutionException);
        return cl;
    }

    /**
     * Runs the command line and exits the JVM with its status.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Runs when no command is given: one line on standard error naming the commands.
     *
     * @return {@value #EXIT_BAD_INPUT}
     */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("hyperp: missing command ("
                + String.join(", ", spec.commandLine().getSubcommands().keySet()) + "); see hyperp --help");
        err.flush();
        return EXIT_BAD_INPUT;
    }

    private static int onParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandSpec().qualifiedName() + ": " + oneLine(e.getMessage()) + " (see "
                + cl.getCommandSpec().qualifiedName() + " --help)");
        err.flush();
        return EXIT_BAD_INPUT;
    }

    private static int onExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        int status;
        if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException) {
            err.println(name + ": " + oneLine(e.getMessage()));
            status = EXIT_BAD_INPUT;
        } else {
            err.println(name + ": internal error: " + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()));
            status = EXIT_REFUSED;
        }
        err.flush();
        return status;
    }

    /**
     * The message on one line: every line break ({@code \R}: CR, LF, NEL, the Unicode line and paragraph
     * separators) with the blanks around it becomes one space, and any other control character but tab is
     * shown as a backslash-u escape with four hexadecimal digits, so that text echoed from an input file can neither break the line nor steer the
     * terminal.
     */
    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String folded = message.replaceAll("\\s*\\R+\\s*", " ");
        StringBuilder out = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString().trim(); // after escaping: only blanks are trimmed
    }
}
