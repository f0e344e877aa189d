from kcc_tui.cli import main

main()
