using CircuitDsl.Cli;

return CircuitApp.Run(args, Console.Out, Console.Error);
