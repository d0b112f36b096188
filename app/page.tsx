import { Dashboard } from '../components/Dashboard';
import { StoreProvider } from '../components/StoreProvider';

export default function Page() {
  return (
    <StoreProvider>
      <Dashboard />
    </StoreProvider>
  );
}
