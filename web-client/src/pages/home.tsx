// PLACEHOLDER: replaced by the page's owner before this branch lands.
import type { PageProps } from '../app/shell';
import { PageHeader } from '../app/ui';

export function HomePage(_props: PageProps) {
  return (
    <section class="page">
      <PageHeader title="HomePage" />
    </section>
  );
}
