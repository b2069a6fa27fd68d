package io.hyperp.cli;

import picocli.CommandLine.Option;

/**
 * The output choice shared by every subcommand: a readable table (default) or JSON.
 *
 * <p>Not thread-safe (picocli fills it while parsing).
 *
 * <p>References: none (command-line plumbing).
 */
final class OutputOptions {
    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;
}
