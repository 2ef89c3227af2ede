import { BasePropertyComponent, type EditPropertyProps } from 'adminjs';
import React from 'react';

/** A property set when the record is created and fixed afterwards (a site's domain): an input on create, shown as text on edit. */
const CreateOnlyInput: React.FC<EditPropertyProps> = (props) => {
  const property = { ...props.property, components: undefined };
  return <BasePropertyComponent {...props} property={property} where={props.record.id ? 'show' : 'edit'} />;
};

export default CreateOnlyInput;
