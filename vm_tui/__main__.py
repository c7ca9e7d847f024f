from vm_tui.cli import main

main()
