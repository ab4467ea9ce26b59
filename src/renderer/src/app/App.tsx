/**
 * App shell: the three Wireshark panes. Each pane is a labelled region so tests and screen readers find
 * it by name ("Packet List", "Packet Details", "Packet Bytes").
 * TODO(renderer): replace the placeholders with the panes in src/renderer/src/panes bound to the store.
 */

/** PaneProps names a pane region. */
interface PaneProps {
  label: string;
  className: string;
  placeholder: string;
}

function Pane({ label, className, placeholder }: PaneProps) {
  return (
    <section className={`pane ${className}`} aria-label={label}>
      <h2 className="pane-title">{label}</h2>
      <p className="pane-placeholder">{placeholder}</p>
    </section>
  );
}

/** App is the root component of the renderer. */
export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Wirelab</h1>
      </header>
      <main className="panes">
        <Pane label="Packet List" className="pane-list" placeholder="No capture loaded." />
        <Pane
          label="Packet Details"
          className="pane-details"
          placeholder="Select a packet to see its layers."
        />
        <Pane label="Packet Bytes" className="pane-bytes" placeholder="Select a packet to see its bytes." />
      </main>
    </div>
  );
}
