/*
 * cli/commands.h - the command table of the `keyshift` front end
 *
 * Each command is `int cmd_NAME(int argc, char **argv)`, where argv[0] is
 * the command name itself ("scan", "keys", ...). It returns an exit code
 * from exitcode.h. Commands print errors as "keyshift: <message>" once.
 */
#ifndef KS_CLI_COMMANDS_H
#define KS_CLI_COMMANDS_H

int cmd_scan(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_assertion(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_findings(int argc, char **argv);
int cmd_baseline(int argc, char **argv);

#endif
