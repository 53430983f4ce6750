export function App() {
  return <main><h1>Beacon</h1></main>;
}
