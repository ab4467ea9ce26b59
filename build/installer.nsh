; Wirelab NSIS additions, included by electron-builder (electron-builder.yml: nsis.include).
;
; On Windows, Wirelab captures live traffic through Npcap (https://npcap.com), the Windows port of
; libpcap. Npcap's license does not let us bundle it, so the installer only checks for it and explains
; what to install. Install Npcap with "Support loopback traffic ('Npcap Loopback Adapter')" ticked:
; the lab mail server listens on 127.0.0.1, and without loopback support those sessions cannot be
; captured. Keep "Install Npcap in WinPcap API-compatible Mode" ticked (Npcap's default): the `cap`
; addon links wpcap.dll and finds it only in System32, where that mode puts it. Opening capture files,
; the console and the lab server all work without Npcap.

!macro wirelabFindNpcap
  StrCpy $0 ""
  ReadRegStr $0 HKLM "SOFTWARE\Npcap" ""
  ${If} $0 == ""
    SetRegView 32
    ReadRegStr $0 HKLM "SOFTWARE\Npcap" ""
    ; back to the view electron-builder's installer uses
    !insertmacro check64BitAndSetRegView
  ${EndIf}
!macroend

!macro customInit
  !insertmacro wirelabFindNpcap
  ${If} $0 == ""
    IfSilent wirelab_npcap_done
    MessageBox MB_YESNO|MB_ICONINFORMATION "Wirelab needs Npcap to capture live traffic.$\r$\n$\r$\nInstall Npcap from https://npcap.com and, in its installer, tick$\r$\n  'Support loopback traffic (Npcap Loopback Adapter)'$\r$\nso that sessions with the lab server on 127.0.0.1 can be captured,$\r$\nand keep 'Install Npcap in WinPcap API-compatible Mode' ticked.$\r$\n$\r$\nWirelab installs and opens capture files without it.$\r$\n$\r$\nOpen the Npcap download page now?" IDNO wirelab_npcap_done
    ExecShell "open" "https://npcap.com/#download"
    wirelab_npcap_done:
  ${EndIf}
!macroend
